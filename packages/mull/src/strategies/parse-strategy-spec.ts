import { ConfigError } from "../errors/index.ts";
import { parseSearchSpec, searchSpecForms } from "../search/index.ts";
import type { OutcomeScorer, ProcessRewardModel, Strategy } from "../spec/index.ts";
import { bestOfN } from "./best-of-n.ts";
import { repeatedSampling } from "./repeated-sampling.ts";
import { selfConsistency } from "./self-consistency.ts";
import { singleSample } from "./single-sample.ts";
import { weightedVoting } from "./weighted-voting.ts";

/** Options of `parseStrategySpec`. */
export interface ParseStrategySpecOptions {
  /** The outcome scorer for `wv@N` and `bon@N`. */
  readonly scorer?: OutcomeScorer | undefined;
  /** The process reward model of step-level searches (`pf@N`, `beam@NxM`, `astar@K`, …). */
  readonly prm?: ProcessRewardModel | undefined;
}

/** The forms `parseStrategySpec` accepts, as shown in its errors. */
export const strategySpecForms: readonly string[] = [
  "greedy",
  "single",
  "sc@N",
  "maj@N",
  "rs@N",
  "wv@N",
  "wv-prob@N",
  "wv-mean-prob@N",
  "bon@N",
  ...searchSpecForms,
];

const largestN = 100_000;

/**
 * A strategy from its short name: `greedy` (temperature 0), `single` (one sample at the run's
 * temperature), `sc@N` / `maj@N` (self-consistency over N), `rs@N` (repeated sampling), `wv@N` (voting
 * weighted by the scorer), `wv-prob@N` / `wv-mean-prob@N` (weighted by sequence / mean token
 * probability), `bon@N` (best-of-N by the scorer), and the step-level searches guided by `prm`
 * (`pf@16`, `beam@16x4`, `dvts@16x4`, `astar@8`, `mcts@32`, … — see `parseSearchSpec`). Case and
 * surrounding spaces are ignored.
 *
 * @throws ConfigError naming the spec and listing the forms when it is not one of them, when `wv@N`
 * or `bon@N` is given without a scorer, or a search without a process reward model.
 * @example
 * const strategy = parseStrategySpec("bon@8", { scorer: checker });
 */
export function parseStrategySpec(text: string, options: ParseStrategySpecOptions = {}): Strategy {
  const search = parseSearchSpec(text, { prm: options.prm });
  if (search !== undefined) return search;
  const spec = text.trim().toLowerCase();
  const expected = `expected one of ${strategySpecForms.join(", ")} (numbers from 1 to ${largestN})`;
  if (spec === "greedy") return singleSample({ temperature: 0 });
  if (spec === "single") return singleSample();
  const match = /^([a-z-]+)@(\d+)$/.exec(spec);
  const n = match === null ? Number.NaN : Number(match[2]);
  if (match === null || !Number.isSafeInteger(n) || n < 1 || n > largestN) {
    throw new ConfigError(`strategy: unknown spec ${JSON.stringify(text)}; ${expected}`, {
      field: "strategy",
    });
  }
  const needScorer = (): OutcomeScorer => {
    if (options.scorer === undefined) {
      throw new ConfigError(
        `strategy: ${JSON.stringify(text)} needs an outcome scorer (a checker, a judge or a reward model); pass scorer`,
        { field: "scorer" },
      );
    }
    return options.scorer;
  };
  switch (match[1]) {
    case "sc":
    case "maj":
      return selfConsistency({ n });
    case "rs":
      return repeatedSampling({ n });
    case "wv":
      return weightedVoting({ n, weight: "score", scorer: needScorer() });
    case "wv-prob":
      return weightedVoting({ n, weight: "probability" });
    case "wv-mean-prob":
      return weightedVoting({ n, weight: "mean-probability" });
    case "bon":
      return bestOfN({ n, scorer: needScorer() });
    default:
      throw new ConfigError(`strategy: unknown spec ${JSON.stringify(text)}; ${expected}`, {
        field: "strategy",
      });
  }
}
