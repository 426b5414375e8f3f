import { requireCapability, seededRng } from "../runtime/index.ts";
import type { Backend, CallOptions, Prompt, TopLogprob } from "../spec/index.ts";
import { format } from "./compare-teacher-forced.ts";
import type { FidelityCheck } from "./fidelity-check.ts";
import { poissonLowerTail } from "./poisson-tail.ts";
import { defaultTailCuts, describeTailCut, type TailCut, tailPosition } from "./tail-cuts.ts";

/** Options of {@link detectHiddenTruncation}. */
export interface HiddenTruncationOptions {
  readonly reference: Backend;
  readonly candidate: Backend;
  readonly prompts: readonly Prompt[];
  /** Samples drawn from the candidate per prompt. */
  readonly samples: number;
  readonly maxTokens: number;
  readonly stop?: readonly string[] | undefined;
  /**
   * Temperature of the candidate's samples. Above 1 flattens a peaked model's distribution so that its
   * tail is sampled often enough to test; the expected counts use the reference tempered alike.
   */
  readonly temperature: number;
  /** Seed of the candidate's sampling. */
  readonly seed: number;
  /** Family-wise false-alarm rate over the cuts (Bonferroni). */
  readonly alpha: number;
  /** Cuts tested; default {@link defaultTailCuts}. */
  readonly cuts?: readonly TailCut[] | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** A cut is flagged when its tail is hit at most this share of the expected times (an effect size, not only a p-value). */
const deficitRatio = 0.5;

/**
 * Detects hidden sampling defaults: draws samples from the candidate at `temperature` asking for no
 * truncation (topK 0, topP 1, minP 0), then scores each sample on the reference for its distribution at
 * every position. For each cut (min-p 0.05, top-k 40, …) the reference's mass below the cut, summed over
 * the sampled positions, is the number of tail tokens an untruncated candidate would emit (a Poisson
 * mean); a server applying its own cut emits far fewer. A cut is flagged when the count is both improbably
 * low (Poisson lower tail below `alpha / cuts`) and at most half the expected count.
 *
 * @returns the `sampling` check: `truncated` naming the flagged cuts and the estimated one, else `same`.
 * @throws CapabilityError when the reference has no `score`.
 */
export async function detectHiddenTruncation(options: HiddenTruncationOptions): Promise<FidelityCheck> {
  const call: CallOptions = { signal: options.signal };
  const capabilities = await requireCapability(options.reference, "score", "fidelity sampling check", call);
  const score = options.reference.score?.bind(options.reference);
  if (score === undefined) throw new Error("unreachable: score capability without score()");
  const topLogprobs = capabilities.maxTopLogprobs ?? 20;
  const cuts = (options.cuts ?? defaultTailCuts).filter(
    (cut) => cut.kind === "min-p" || cut.value < topLogprobs,
  );
  const expected = cuts.map(() => 0);
  const observed = cuts.map(() => 0);
  let positions = 0;
  let smallestRelative = Number.POSITIVE_INFINITY;
  let largestRank = 0;
  // Backends seed a request's choices seed, seed + 1, …: seeds drawn from the rng keep runs from sharing samples.
  const rng = seededRng(options.seed);
  for (const prompt of options.prompts) {
    const result = await options.candidate.generate(
      {
        prompt,
        n: options.samples,
        temperature: options.temperature,
        topK: 0,
        topP: 1,
        minP: 0,
        seed: rng.nextSeed(),
        maxTokens: options.maxTokens,
        stop: options.stop,
        logprobs: true,
        extraBody: { top_k: 0, min_p: 0, top_p: 1 },
      },
      call,
    );
    for (const completion of result.completions) {
      const scored = await score({ prompt, continuation: completion.text, topLogprobs }, call);
      // Past a position where the text re-tokenizes differently (a byte token decoded to U+FFFD, say) the
      // reference no longer scores the tokens the candidate sampled, so only the agreeing prefix counts, and
      // at the first disagreement the sampled token is placed in the reference's distribution there (it is
      // often a rare byte token: leaving that position out would hide exactly the tail tokens sought).
      const sampled = completion.tokens;
      const places: { alternatives: readonly TopLogprob[]; token: string }[] = [];
      for (const [position, token] of scored.tokens.entries()) {
        const sampledToken = sampled === undefined ? token.token : sampled[position]?.token;
        if (sampledToken === undefined) break;
        places.push({ alternatives: token.topLogprobs ?? [], token: sampledToken });
        if (sampledToken !== token.token) break;
      }
      for (const { alternatives, token } of places) {
        const place = tailPosition(alternatives, token, cuts, options.temperature);
        positions += 1;
        smallestRelative = Math.min(smallestRelative, place.relativeProbability);
        largestRank = Math.max(largestRank, place.rank);
        for (const [cutIndex] of cuts.entries()) {
          expected[cutIndex] = (expected[cutIndex] ?? 0) + (place.tailMass[cutIndex] ?? 0);
          if (place.inTail[cutIndex] === true) observed[cutIndex] = (observed[cutIndex] ?? 0) + 1;
        }
      }
    }
  }
  const threshold = options.alpha / Math.max(1, cuts.length);
  const tested = cuts.map((cut, index) => {
    const mean = expected[index] ?? 0;
    const count = observed[index] ?? 0;
    const pValue = poissonLowerTail(count, mean);
    return {
      cut,
      expected: mean,
      observed: count,
      pValue,
      flagged: pValue < threshold && count <= deficitRatio * mean,
    };
  });
  const flagged = tested.filter((entry) => entry.flagged);
  const figures: Record<string, number | string | undefined> = {
    positions,
    smallestRelativeProbability: Number.isFinite(smallestRelative) ? smallestRelative : undefined,
    largestRank,
  };
  for (const entry of tested) {
    const name = describeTailCut(entry.cut);
    figures[`${name} expected`] = entry.expected;
    figures[`${name} observed`] = entry.observed;
    figures[`${name} p`] = entry.pValue;
  }
  if (flagged.length === 0) {
    const strongest = [...tested].sort((left, right) => right.expected - left.expected)[0];
    return {
      name: "sampling",
      verdict: "same",
      detail: `${positions} sampled tokens at temperature ${options.temperature} show no hidden cut${
        strongest === undefined
          ? ""
          : ` (below ${describeTailCut(strongest.cut)}: expected ${format(strongest.expected)}, saw ${strongest.observed})`
      }`,
      figures,
    };
  }
  const estimated = estimateCut(flagged);
  figures.estimatedCut = describeTailCut(estimated.cut);
  return {
    name: "sampling",
    verdict: "truncated",
    detail: `${positions} sampled tokens at temperature ${options.temperature} with topK 0, topP 1, minP 0 asked: estimated cut ${describeTailCut(
      estimated.cut,
    )} (reference expected ${format(estimated.expected)} tokens below it, candidate emitted ${estimated.observed}, p ${format(
      estimated.pValue,
    )}); smallest emitted probability ${format(smallestRelative)}× the top, largest rank ${largestRank}`,
    figures,
  };
}

/**
 * The cut that explains the deficit best: per kind, the loosest flagged cut the candidate never crossed
 * (a min-p 0.05 server also never crosses 0.01 and 0.02, but does emit tokens between 0.05 and 0.1);
 * without one, the flagged cut with the largest expected count.
 */
function estimateCut<Entry extends { cut: TailCut; expected: number; observed: number }>(
  flagged: readonly Entry[],
): Entry {
  const never = flagged.filter((entry) => entry.observed === 0);
  const pool = never.length > 0 ? never : flagged;
  const minP = pool.filter((entry) => entry.cut.kind === "min-p").sort((l, r) => r.cut.value - l.cut.value);
  const topK = pool.filter((entry) => entry.cut.kind === "top-k").sort((l, r) => l.cut.value - r.cut.value);
  const candidates = [minP[0], topK[0]].filter((entry): entry is Entry => entry !== undefined);
  return candidates.sort((left, right) => right.expected - left.expected)[0] ?? (pool[0] as Entry);
}
