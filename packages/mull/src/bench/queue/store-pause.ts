import { checkInteger } from "../../runtime/index.ts";
import { isConnectionFailure } from "./store-unreachable.ts";

/** Options of `storePause`. */
export interface StorePauseOptions {
  /** Stops the worker taking jobs, leaving the running ones be. */
  readonly pause: () => Promise<void>;
  /** Lets the worker take jobs again. */
  readonly resume: () => Promise<void>;
  /** Told one line when a store stops answering, and one when it answers again. */
  readonly tell: (line: string) => void;
  /** How long to wait between two questions to a store that does not answer; default 1000 ms. */
  readonly probeMilliseconds?: number | undefined;
}

/** A worker's pause while the store of some of its jobs cannot be reached. */
export interface StorePause {
  /** How long to wait between two questions to a store that does not answer. */
  readonly probeMilliseconds: number;
  /** Whether some store is unreachable now, so the worker is paused. */
  readonly paused: boolean;
  /**
   * A job could not reach the store that `key` names (its URL), `label` for messages (the password
   * redacted), with `error`: unless that store is already known to be away, tells one line, pauses the
   * worker (if no other store had) and asks `probe` every `probeMilliseconds` until it resolves, or
   * rejects with something else than a connection failure (a refused login: the store answered, the job
   * that meets it says the rest). It then tells one line, and resumes the worker once no store is away.
   */
  unreachable(key: string, label: string, error: unknown, probe: () => Promise<void>): void;
  /** Stops asking the stores away; the worker stays as it is (it is closing). Safe to call twice. */
  stop(): void;
}

/**
 * Keeps a queue worker from taking jobs while a store it records into cannot be reached, so that a
 * store's restart does not spend the attempts of every job the worker would take meanwhile: it pauses
 * the worker when a job meets the store away, asks the store again until it answers, and then resumes
 * it, with one line each way per store and outage. Pausing and resuming take turns, in the order asked.
 *
 * @throws ConfigError naming `probeMilliseconds` when it is not a whole number from 1 to 600000.
 * @example
 * const pause = storePause({ pause: () => worker.pause(true), resume: () => worker.resume(), tell });
 * pause.unreachable(url, redactUrl(url), error, () => probeStore(url));
 */
export function storePause(options: StorePauseOptions): StorePause {
  const probeMilliseconds = checkInteger(
    "storePause",
    "probeMilliseconds",
    options.probeMilliseconds ?? 1000,
    { minimum: 1, maximum: 600_000 },
  );
  /** The stores away, each with the timer of its next question. */
  const away = new Map<string, NodeJS.Timeout | undefined>();
  let stopped = false;
  let turns: Promise<void> = Promise.resolve();
  const take = (turn: () => Promise<void>) => {
    turns = turns.then(turn).catch(() => undefined);
  };
  const answered = (key: string, label: string) => {
    away.delete(key);
    if (stopped) return;
    options.tell(`store ${label} answers again${away.size === 0 ? ": taking jobs" : ""}`);
    // Not once stopped: a closing worker is not started again.
    if (away.size === 0) take(() => (stopped ? Promise.resolve() : options.resume()));
  };
  const ask = (key: string, label: string, probe: () => Promise<void>) => {
    const timer = setTimeout(() => {
      if (stopped) return;
      away.set(key, undefined);
      probe().then(
        () => answered(key, label),
        (failure: unknown) => {
          if (!isConnectionFailure(failure)) answered(key, label);
          else if (!stopped) ask(key, label, probe);
        },
      );
    }, probeMilliseconds);
    timer.unref();
    away.set(key, timer);
  };
  return {
    probeMilliseconds,
    get paused() {
      return away.size > 0;
    },
    unreachable(key, label, error, probe) {
      if (stopped || away.has(key)) return;
      const reason = error instanceof Error ? error.message : String(error);
      options.tell(
        `store ${label} stopped answering (${reason}): taking no jobs until it answers; the jobs that ` +
          "met it go back to the queue without spending an attempt",
      );
      if (away.size === 0) take(() => options.pause());
      ask(key, label, probe);
    },
    stop() {
      stopped = true;
      for (const timer of away.values()) clearTimeout(timer);
      away.clear();
    },
  };
}
