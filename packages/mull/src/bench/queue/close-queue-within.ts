import { type QueueBase, RedisQueueBackend } from "bullmq";
import { checkInteger, sleep } from "../../runtime/index.ts";

/** How long `closeQueueWithin` waits for Redis by default before it drops the connections. */
export const queueCloseMilliseconds = 5000;

/** Options of `closeQueueWithin`. */
export interface QueueCloseOptions {
  /** How long to wait for Redis, from when no job of `runningJobs` is left; default 5000 ms. */
  readonly milliseconds?: number | undefined;
  /**
   * The caller's jobs running in a worker, which BullMQ's close lets finish however long they take (a pair
   * may run for minutes): the bound counts from when none is left, and again whenever one was found
   * running as it passed. Default none.
   */
  readonly runningJobs?: (() => readonly Promise<unknown>[]) | undefined;
}

/**
 * Closes a BullMQ queue, worker or event follower (`close()`), waiting for Redis at most `milliseconds`.
 * BullMQ ends each connection with QUIT and waits for its answer, which never comes while Redis is
 * paused or unreachable, and offers no bound (a worker's `close(true)` only skips the wait for its running
 * jobs): past the bound the connections are dropped (ioredis `disconnect()`), which ends their pending
 * commands, and the function returns without waiting for the close any longer, so the process can exit.
 *
 * What a dropped connection loses is what Redis had not answered yet. For a queue that only added jobs,
 * nothing: every add was answered before. For a worker, the completion of jobs whose pair it recorded
 * (and the release of their locks): they stay active until their lock expires (`lockDurationMilliseconds`),
 * then the stalled-job check gives them to another worker, which runs the pair again and records nothing
 * new (the store's insert is idempotent). A failed job's failure is retried the same way.
 *
 * @returns true when the connections were dropped, false when the close finished in time.
 * @throws ConfigError for a `milliseconds` that is not an integer from 1 to 600000; what `close()` throws
 *   before the bound (after it, the dropped connections' errors are expected and ignored).
 * @example
 * const queue = new Queue("mull-bench", { connection: queueConnection(url) });
 * try { await enqueuePairs(queue, pairs); } finally { await closeQueueWithin(queue); }
 */
export async function closeQueueWithin(target: QueueBase, options: QueueCloseOptions = {}): Promise<boolean> {
  const milliseconds = checkInteger(
    "closeQueueWithin",
    "milliseconds",
    options.milliseconds ?? queueCloseMilliseconds,
    { minimum: 1, maximum: 600_000 },
  );
  let settled = false;
  const closed = target.close().finally(() => {
    settled = true;
  });
  // Handled here whatever the outcome: after the bound, a rejection is the dropped connections' own.
  const ended = closed.then(
    () => undefined,
    () => undefined,
  );
  while (!settled) {
    const running = options.runningJobs?.() ?? [];
    if (running.length > 0) {
      await Promise.race([ended, Promise.allSettled(running)]);
      continue;
    }
    await settleWithin(ended, milliseconds);
    if (settled || (options.runningJobs?.() ?? []).length > 0) continue;
    dropConnections(target);
    // The drop ends the pending commands (a paused server's socket closes about 2 s later); a connection
    // parked while reconnecting may never settle the close, which is then left behind.
    await settleWithin(ended, milliseconds);
    return true;
  }
  await closed;
  return false;
}

/** Waits until `promise` settles or `milliseconds` pass, whichever is first. */
async function settleWithin(promise: Promise<unknown>, milliseconds: number): Promise<void> {
  const timer = new AbortController();
  try {
    await Promise.race([promise, sleep(milliseconds, timer.signal).catch(() => undefined)]);
  } finally {
    timer.abort();
  }
}

/**
 * Drops every connection of a queue's Redis backend at once. A connection still starting is dropped by a
 * forced close (a no-op when its close has begun, which then dropped it itself); a started one by
 * disconnecting its client, whose promise has resolved.
 */
function dropConnections(target: QueueBase): void {
  const backend: unknown = target.getBackend();
  if (!(backend instanceof RedisQueueBackend)) return;
  for (const connection of [backend.blockingConnection, backend.connection]) {
    if (connection === undefined) continue;
    connection.close(true).catch(() => undefined);
    connection.client.then(
      (client) => client.disconnect(),
      () => undefined,
    );
  }
}
