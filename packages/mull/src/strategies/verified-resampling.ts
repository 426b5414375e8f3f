import { z } from "zod";
import type { RunProgress } from "../budget/index.ts";
import { checkInteger, checkNumber } from "../runtime/index.ts";
import { latestScore } from "../scoring/index.ts";
import { recordPick } from "../selection/index.ts";
import type { Candidate, OutcomeScorer, Selector, StopCondition, Strategy } from "../spec/index.ts";
import { bestOfN } from "./best-of-n.ts";
import { checkFactoryOptions } from "./factory-options.ts";
import { checkedByFactory, outcomeScorerOption, temperatureOption } from "./option-schemas.ts";
import type { StrategyEntry } from "./strategy-entry.ts";
import { withEarlyStop } from "./with-early-stop.ts";

/** Options of `verifiedResampling`. */
export interface VerifiedResamplingOptions {
  /** The most samples it draws. */
  readonly n: number;
  /** The verifier: a programmatic checker, unit tests, an LLM judge, a reward model. */
  readonly scorer: OutcomeScorer;
  /**
   * The score at or above which the verifier accepts a sample, on the scorer's own scale (the lab checker
   * and LLM judges score 0 or 1; a reward model as it reports); default 0.5.
   */
  readonly threshold?: number | undefined;
  /** Sampling temperature; default the run's, else 0.7. */
  readonly temperature?: number | undefined;
}

const verifiedResamplingOptions = z.strictObject({
  n: checkedByFactory,
  scorer: outcomeScorerOption,
  threshold: checkedByFactory,
  temperature: temperatureOption,
} satisfies Record<keyof VerifiedResamplingOptions, unknown>);

const defaultThreshold = 0.5;

/** Whether the verifier accepted a candidate. */
function accepted(candidate: Candidate, scorer: string, threshold: number): boolean {
  const score = latestScore(candidate, scorer);
  return score !== undefined && score >= threshold;
}

/**
 * Resampling until a verifier accepts (as code is resampled until it passes its tests): draws one sample at
 * a time, scores it with `scorer`, and stops at the first whose score reaches `threshold`, answering it;
 * when none of the `n` does, it abstains (no answer, no best candidate; a trace note says so) rather than
 * answer something its verifier refused. Its accuracy is bounded by the verifier's false positives however
 * large `n` is, which is why abstaining can be worth more than answering once a wrong answer costs
 * something (Stroebl et al. 2024, "Inference Scaling fLaws"; `mull replay --wrong-cost` measures it on
 * recordings). Named `accept@N`, with `t<threshold>` when the threshold is not the default 0.5 (so
 * `accept@8t0.5` and `accept@8` are the same strategy). It draws no sample that the scorer-call limit
 * leaves no call to score: under `maxScoreCalls: 0` it makes no call and throws `BudgetExhaustedError`
 * (`score-calls`); once the limit runs out it stops with the samples it scored.
 *
 * @throws ConfigError for an unknown option, a missing or malformed `scorer`, a `temperature` below 0,
 * or when `n` is not a positive integer or `threshold` is not a finite number.
 * @example
 * const strategy = verifiedResampling({ n: 8, scorer: labOutcomeChecker() });
 * const result = await solve({ problem, strategy, backend });
 * console.log(result.candidates.length, result.answer ?? "(abstained)");
 */
export function verifiedResampling(options: VerifiedResamplingOptions): Strategy {
  const owner = "verifiedResampling";
  checkFactoryOptions(verifiedResamplingOptions, options, owner);
  const n = checkInteger(owner, "n", options.n, { minimum: 1 });
  const threshold = checkNumber(owner, "threshold", options.threshold ?? defaultThreshold);
  const scorer = options.scorer.name;
  const acceptedSample: StopCondition<RunProgress> = {
    name: "verifier-accepted",
    shouldStop: (progress) => {
      const last = progress.candidates.at(-1);
      return last !== undefined && accepted(last, scorer, threshold);
    },
  };
  const firstAccepted: Selector = (candidates, context) => {
    const best = candidates.find((candidate) => accepted(candidate, scorer, threshold));
    if (best === undefined) {
      context.tracer.record({
        type: "note",
        parentId: context.parentId,
        message: `accept@${n}: the verifier ${scorer} accepted none of ${candidates.length} samples at ${threshold}; abstaining`,
      });
    }
    return recordPick(best, `accept:${scorer}`, context);
  };
  const strategy = withEarlyStop(bestOfN({ n, scorer: options.scorer, temperature: options.temperature }), {
    roundSize: 1,
    stopWhen: [acceptedSample],
    select: firstAccepted,
    // It answers only what its verifier accepted: a sample the budget cannot score is wasted.
    roundsNeedScores: true,
  });
  return {
    ...strategy,
    name: `accept@${n}${threshold === defaultThreshold ? "" : `t${threshold}`}`,
    parameters: {
      inner: `bon@${n}`,
      n,
      scorer,
      threshold,
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
    },
  };
}

/** `accept@N` and `accept@NtT` in the strategy catalog. */
export const verifiedResamplingEntry: StrategyEntry = {
  forms: ["accept@N", "accept@NtT"],
  decimals: ["T"],
  kind: "sampling",
  choosesWholeSamples: true,
  summary:
    "resampling until the outcome scorer accepts a sample (score ≥ T, default 0.5), at most N; abstains when none is accepted",
  needs: ["scorer"],
  replay: "recorded",
  counterpart: ({ N }) => `bon@${N}`,
  create: ({ N, T }, { scorer }) => verifiedResampling({ n: N!, scorer: scorer!, threshold: T }),
};
