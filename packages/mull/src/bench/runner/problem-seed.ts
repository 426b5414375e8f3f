import { createHash } from "node:crypto";

/**
 * The seed of one (problem, strategy) pair, derived from the run seed, the problem id and the strategy
 * name alone: the same pair gets the same seed whatever the order, concurrency or interruptions of the
 * run, so a resumed run equals an uninterrupted one. An integer in [0, 2^31).
 *
 * @example
 * const seed = problemSeed(0, "gsm8k-17", "sc@8");
 */
export function problemSeed(runSeed: number, problemId: string, strategy: string): number {
  const digest = createHash("sha256")
    .update(JSON.stringify([runSeed, problemId, strategy]))
    .digest();
  return digest.readUInt32BE(0) >>> 1;
}
