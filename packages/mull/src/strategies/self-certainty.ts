import { z } from "zod";
import { checkInteger, checkNumber, requireCapability } from "../runtime/index.ts";
import { defaultTopLogprobs, selfCertaintyScore } from "../scoring/index.ts";
import { bordaVote } from "../selection/index.ts";
import type { Candidate, SamplingStrategy } from "../spec/index.ts";
import { checkFactoryOptions } from "./factory-options.ts";
import { majorityFallbackMessage } from "./majority-fallback-message.ts";
import { checkedByFactory, temperatureOption } from "./option-schemas.ts";
import { majorityFallbackNote, someWeighable, withMajorityFallback } from "./run-helpers.ts";
import { sampleAndSelect } from "./sample-and-select.ts";
import type { StrategyEntry } from "./strategy-entry.ts";

/** Options of `selfCertainty`. */
export interface SelfCertaintyOptions {
  /** Traces to sample. */
  readonly n: number;
  /**
   * p: rank r of N weighs (N − r + 1)^p in the vote; default 0.5, the default of the authors' released
   * voting script (the paper compares several). 0 is a majority vote; large p approaches picking the
   * single most certain trace.
   */
  readonly power?: number | undefined;
  /**
   * k: top alternatives per token in its self-certainty (see `tokenSelfCertainty`); default 20, as
   * DeepConf's (fewer when the backend's `maxTopLogprobs` is lower). At least 2.
   */
  readonly topLogprobs?: number | undefined;
  /** Sampling temperature; default the run's, else 0.7. */
  readonly temperature?: number | undefined;
}

const selfCertaintyOptions = z.strictObject({
  n: checkedByFactory,
  power: checkedByFactory,
  topLogprobs: checkedByFactory,
  temperature: temperatureOption,
} satisfies Record<keyof SelfCertaintyOptions, unknown>);

const defaultPower = 0.5;
const scorer = "self-certainty";

/**
 * Self-certainty voting (Kang et al., "Scalable Best-of-N Selection for LLMs via Self-Certainty"): sample
 * `n` traces with their top-k log-probabilities, score each by its self-certainty — the mean over its
 * tokens of the next-token distribution's divergence from uniform, from the top k
 * (`traceSelfCertainty`) — and take the paper's Borda vote: rank the traces by it, and the trace at rank r
 * of N votes for its answer with weight (N − r + 1)^p (`bordaVote`). Needs a backend with
 * log-probabilities and top alternatives (`CapabilityError` otherwise); if no trace could be scored it
 * falls back to a majority vote, which its `selectionNote` says. Wrap it with `withEarlyStop` (or
 * `asc`/`esc`) to stop early.
 *
 * Beside DeepConf (`deepConf`): the same per-token quantity up to a constant (DeepConf's token confidence
 * minus log k), averaged over the whole trace rather than its weakest window, and a vote by rank rather
 * than a filter and a confidence-weighted vote.
 *
 * @throws ConfigError for an unknown option, a count or power out of range or a `temperature` below 0.
 * @example
 * const result = await solve({ problem, strategy: selfCertainty({ n: 16, power: 0.5 }), backend });
 */
export function selfCertainty(options: SelfCertaintyOptions): SamplingStrategy {
  const owner = "selfCertainty";
  checkFactoryOptions(selfCertaintyOptions, options, owner);
  const n = checkInteger(owner, "n", options.n, { minimum: 1 });
  const power = checkNumber(owner, "power", options.power ?? defaultPower, { minimum: 0 });
  // One alternative would turn the measure upside down (see `tokenSelfCertainty`).
  const k = checkInteger(owner, "topLogprobs", options.topLogprobs ?? defaultTopLogprobs, { minimum: 2 });
  const name = `certainty@${n}`;
  const scored = (candidate: Candidate): boolean =>
    candidate.answer !== undefined && candidate.scores.some((score) => score.scorer === scorer);
  const usable = someWeighable(scored);
  const select = withMajorityFallback(bordaVote({ scorer, power }), usable);
  const selectionNote = majorityFallbackNote(
    usable,
    majorityFallbackMessage(name, "no trace had a self-certainty"),
  );
  return {
    name,
    parameters: {
      n,
      power,
      topLogprobs: k,
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
    },
    samples: n,
    select,
    selectionNote,
    withSamples: (samples) => selfCertainty({ ...options, n: samples }),
    async run(problem, context) {
      await requireCapability(context.backend, "logprobs", name, { signal: context.signal });
      const capabilities = await requireCapability(context.backend, "topLogprobs", name, {
        signal: context.signal,
      });
      // A backend that returns fewer than two alternatives leaves every trace unscored: a majority vote.
      const topLogprobs = Math.min(k, capabilities.maxTopLogprobs ?? k);
      return sampleAndSelect(problem, context, {
        n,
        temperature: options.temperature,
        select,
        logprobs: true,
        topLogprobs,
        scoreTokens: selfCertaintyScore({ topLogprobs: k, scorer }),
      });
    },
  };
}

/** `certainty@N` in the strategy catalog. */
export const selfCertaintyEntry: StrategyEntry = {
  forms: ["certainty@N"],
  kind: "sampling",
  choosesWholeSamples: true,
  drawsWholeSamples: true,
  summary:
    "self-certainty Borda vote: N traces ranked by mean KL(uniform ‖ p) per token, rank r weighs (N − r + 1)^0.5",
  needs: ["logprobs"],
  replay: "recorded",
  create: ({ N }) => selfCertainty({ n: N! }),
};
