import { checkInteger } from "../runtime/index.ts";
import type { StopCondition } from "../spec/index.ts";
import type { RunProgress } from "./run-progress.ts";

/**
 * Early-stopping self-consistency's rule (Li et al. 2024, ESC): samples come in windows of `window`; stop
 * once the last complete window is unanimous, every one of its samples with the same answer. A sample
 * without an answer breaks unanimity. Checked when the count of candidates is a multiple of `window`.
 *
 * @example
 * withEarlyStop(selfConsistency({ n: 64 }), { rounds: 8, stopWhen: [windowUnanimous(8)] });
 */
export function windowUnanimous(window: number): StopCondition<RunProgress> {
  checkInteger("windowUnanimous", "window", window, { minimum: 1 });
  return {
    name: "window-unanimous",
    shouldStop: (progress) => {
      const { keys } = progress;
      if (keys.length === 0 || keys.length % window !== 0) return false;
      const last = keys.slice(-window);
      return last[0] !== undefined && last.every((key) => key === last[0]);
    },
  };
}
