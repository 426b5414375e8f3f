import { checkInteger, checkNumber } from "../runtime/index.ts";
import type { StopCondition } from "../spec/index.ts";
import { leadingAnswer } from "./leading-answer.ts";
import type { ProbeProgress } from "./probe-progress.ts";

/**
 * Parallel-Probe's consensus stop (Zheng et al. 2026): after each probe round, the current answers of
 * all traces are tallied; stop once the same answer has led the tally for `rounds` rounds in a row,
 * each time given by at least `share` of the traces (default 0: leading is enough). A round without
 * any answer has no leader and breaks the run.
 *
 * @throws ConfigError when `rounds` is not an integer ≥ 1 or `share` is not in [0, 1].
 * @example
 * // Stop once one answer has led for 6 rounds, each time held by at least 80% of the traces.
 * leaderHeld(6, 0.8);
 */
export function leaderHeld(rounds: number, share = 0): StopCondition<ProbeProgress> {
  checkInteger("leaderHeld", "rounds", rounds, { minimum: 1 });
  checkNumber("leaderHeld", "share", share, { minimum: 0, maximum: 1 });
  return {
    name: "leader-held",
    shouldStop: (progress) => {
      if (progress.rounds.length < rounds) return false;
      let held: string | undefined;
      for (const keys of progress.rounds.slice(-rounds)) {
        const leader = leadingAnswer(keys);
        if (leader === undefined || leader.count < share * keys.length) return false;
        if (held !== undefined && leader.key !== held) return false;
        held = leader.key;
      }
      return true;
    },
  };
}
