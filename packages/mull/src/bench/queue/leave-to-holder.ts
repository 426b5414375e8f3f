import { DelayedError, type Job } from "bullmq";
import { sleep } from "../../runtime/index.ts";

/**
 * Leaves a job's pair, whose claim another process holds (a local `mull bench --resume` on the run, a
 * worker that died holding it), to that process for `milliseconds`, so that its model calls are not paid
 * twice: the job goes back to the queue's delayed set without spending an attempt, and BullMQ hands it
 * out again after `milliseconds`, when its pair is claimed anew (`recorded`: the job completes without a
 * call; `claimed`, the holder's lease having run out: it is solved). The job holds no worker slot and no
 * lock meanwhile, so a worker that closes does not wait for the holder. Without a lock `token` (a job
 * processed outside a BullMQ worker) it waits here instead and resolves, for the caller to claim again.
 *
 * @throws DelayedError once the job is moved, which tells BullMQ to leave it delayed; the error of the
 *   move when Redis refuses it (the job's lock lost), which fails the job the usual way.
 * @example
 * while ((await claims.claim(problemId, strategy)) === "taken") await leaveToHolder(job, token, 1000);
 */
export async function leaveToHolder(
  job: Job,
  token: string | undefined,
  milliseconds: number,
): Promise<void> {
  if (token === undefined) {
    await sleep(milliseconds);
    return;
  }
  await job.moveToDelayed(Date.now() + milliseconds, token);
  throw new DelayedError();
}
