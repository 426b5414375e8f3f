import { DelayedError, type Job } from "bullmq";
import { describe, expect, it } from "vitest";
import { leaveToHolder } from "./leave-to-holder.ts";

/** A job that records the moves it is asked for; `refused` makes them reject, as with a lost lock. */
function movingJob(refused?: Error) {
  const moves: { readonly timestamp: number; readonly token: string }[] = [];
  const job = {
    moveToDelayed: async (timestamp: number, token: string) => {
      moves.push({ timestamp, token });
      if (refused !== undefined) throw refused;
    },
  } as unknown as Job;
  return { job, moves };
}

describe("leaveToHolder", () => {
  it("moves the job to the delayed set for the given time with its token, then throws DelayedError", async () => {
    const { job, moves } = movingJob();
    const before = Date.now();
    await expect(leaveToHolder(job, "token-1", 750)).rejects.toBeInstanceOf(DelayedError);
    expect(moves).toHaveLength(1);
    expect(moves[0]!.token).toBe("token-1");
    expect(moves[0]!.timestamp).toBeGreaterThanOrEqual(before + 750);
    expect(moves[0]!.timestamp).toBeLessThanOrEqual(Date.now() + 750);
  });

  it("lets a refused move fail the job with its own error", async () => {
    const lost = new Error("Missing lock for job pair-a. moveToDelayed");
    const { job } = movingJob(lost);
    await expect(leaveToHolder(job, "token-1", 10)).rejects.toBe(lost);
  });

  it("waits in place, moving nothing, without a lock token", async () => {
    const { job, moves } = movingJob();
    const started = performance.now();
    await leaveToHolder(job, undefined, 60);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(moves).toEqual([]);
  });
});
