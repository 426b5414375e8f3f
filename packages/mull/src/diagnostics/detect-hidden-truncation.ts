import { requireCapability, seededRng } from "../runtime/index.ts";
import type { Backend, CallOptions, Prompt, TopLogprob } from "../spec/index.ts";
import { format } from "./compare-teacher-forced.ts";
import type { FidelityCheck } from "./fidelity-check.ts";
import { poissonLowerTail, poissonUpperTail } from "./poisson-tail.ts";
import { untruncatedSampling } from "./sampling-defaults-finding.ts";
import { defaultTailCuts, describeTailCut, removesMore, type TailCut, tailPosition } from "./tail-cuts.ts";

/** Options of {@link detectHiddenTruncation}. */
export interface HiddenTruncationOptions {
  /** The backend trusted to sample from the whole distribution (e.g. the embedded model). */
  readonly reference: Backend;
  /** The backend under test, suspected of cutting the distribution's tail (top-k, top-p, min-p). */
  readonly candidate: Backend;
  /** Prompts both backends are run on. */
  readonly prompts: readonly Prompt[];
  /** Samples drawn from the candidate per prompt. */
  readonly samples: number;
  /** Tokens per sampled continuation, an integer ≥ 1. */
  readonly maxTokens: number;
  /** Strings that end a continuation, on both backends; default none. */
  readonly stop?: readonly string[] | undefined;
  /**
   * Temperature of the candidate's samples. Above 1 flattens a peaked model's distribution so that its
   * tail is sampled often enough to test; the expected counts use the reference tempered alike.
   */
  readonly temperature: number;
  /** Seed of the candidate's sampling. */
  readonly seed: number;
  /** Family-wise false-alarm rate over the cuts, both directions (Bonferroni). */
  readonly alpha: number;
  /** Cuts tested; default {@link defaultTailCuts}. */
  readonly cuts?: readonly TailCut[] | undefined;
  /** Aborts the test between and during backend calls. */
  readonly signal?: AbortSignal | undefined;
}

/** A count is flagged as a deficit only when it is at most this share of the expected one (an effect size, not only a p-value). */
const deficitRatio = 0.5;

/**
 * The tokens a cut keeps below the most likely one are emitted at exactly the rate it leaves (it only
 * renormalises them); they count as starved when improbably few and at most this share of that rate.
 * True cuts on the lab models keep 0.97 of it; a sampler at temperature 1 where 2 is asked leaves about
 * half between the most likely token and top-k 10.
 */
const keptRatio = 0.75;

/** A count is flagged as an excess only when it is at least this multiple of the expected one. */
const excessRatio = 1.5;

/**
 * A cut explains a deficit only when its tail is (nearly) empty: a server's cut removes the whole tail,
 * and this share of the expected count is left for tokens that did not survive the text round trip.
 */
const emptyTailRatio = 0.1;

/**
 * Where the reference scored the very token sampled, a cut leaves nothing in its tail but tokens its
 * float noise moves across the boundary: at most this share of the expected count there. A colder sampler
 * leaves a few deep-tail tokens the reference agrees on, which no cut could have emitted.
 */
const boundaryRatio = 0.02;

/** What was counted for one cut over every sampled position. */
interface CutCounts {
  readonly cut: TailCut;
  /** Tokens below the cut an untruncated candidate would emit (the reference's tempered tail mass, summed). */
  expected: number;
  /** Tokens below the cut the candidate emitted. */
  observed: number;
  /** As `expected` and `observed`, over the positions whose token the reference scored as sampled. */
  agreedExpected: number;
  agreedObserved: number;
  /**
   * The nearest cut of the same kind that removes more (`min-p 0.1` for `min-p 0.05`), whose tail less
   * this one's is the band kept by this cut alone; `undefined` for the widest cut of its kind.
   */
  readonly wider: number | undefined;
  /** Tokens in the band a candidate truncated by this cut would emit (the band's mass renormalised to the kept mass). */
  bandExpected: number;
  /** Tokens in the band the candidate emitted. */
  bandObserved: number;
  /**
   * Tokens between the most likely one and the cut (ranks 2 and down, above the cut's tail) a candidate
   * truncated by this cut would emit: that mass, renormalised to the kept mass, summed over the positions.
   */
  keptExpected: number;
  /** Tokens between the most likely one and the cut the candidate emitted. */
  keptObserved: number;
}

/** One cut's tests. */
interface CutTest extends CutCounts {
  /** P(count ≤ observed) with no cut: small when the tail is short of tokens. */
  readonly deficitP: number;
  /** P(count ≥ observed) with no cut, over the agreeing positions: small when the tail has too many. */
  readonly excessP: number;
  readonly deficit: boolean;
  readonly excess: boolean;
  /**
   * A deficit this cut explains: its tail is empty while neither the band it alone keeps nor everything it
   * keeps below the most likely token is short of the rate the cut would leave.
   */
  readonly fits: boolean;
}

/**
 * Detects hidden sampling defaults: draws samples from the candidate at `temperature` asking for no
 * truncation (topK 0, topP 1, minP 0), then scores each sample on the reference for its distribution at
 * every position. For each cut (min-p 0.05, top-k 40, top-p 0.95, …) the reference's mass below the cut,
 * summed over the sampled positions, is the number of tail tokens an untruncated candidate would emit (a
 * Poisson mean). The test is two-sided, at `alpha / (2 · cuts)` each way:
 * - a deficit (count improbably low and at most half the expected one) that a cut explains is a hidden
 *   cut: `truncated`, naming the estimated cut. A cut explains it when its tail is (nearly) empty, all but
 *   empty where the reference scored the very token sampled (the text round trip cannot excuse a tail
 *   token there), while what it keeps is emitted at the rate it would leave: the band just above it (which
 *   tells it from the next cut of its kind) and everything between the most likely token and it. A cut
 *   removes mass and renormalises, so it raises the rate of every kept token; a colder sampler also nearly
 *   empties a deep tail, but it starves the tokens just below the most likely one, or leaves a few tokens
 *   deep in the tail, which no cut does;
 * - an excess (count improbably high, at least 1.5× the expected one, over the positions whose token the
 *   reference scored as sampled) is a distribution flatter than the reference's, e.g. a hidden
 *   temperature above the one asked: `differs`;
 * - a deficit no cut explains (every tail short but none empty, as a colder sampler gives) is `differs`
 *   too, rather than a wrong cut.
 *
 * @returns the `sampling` check: `truncated`, `differs` or `same`, with every cut's counts in `figures`.
 * @throws CapabilityError when the reference has no `score`.
 */
export async function detectHiddenTruncation(options: HiddenTruncationOptions): Promise<FidelityCheck> {
  const call: CallOptions = { signal: options.signal };
  const capabilities = await requireCapability(options.reference, "score", "fidelity sampling check", call);
  const score = options.reference.score?.bind(options.reference);
  if (score === undefined) throw new Error("unreachable: score capability without score()");
  const topLogprobs = capabilities.maxTopLogprobs ?? 20;
  const cuts = (options.cuts ?? defaultTailCuts).filter(
    (cut) => cut.kind !== "top-k" || cut.value < topLogprobs,
  );
  const counts: CutCounts[] = cuts.map((cut) => ({
    cut,
    expected: 0,
    observed: 0,
    agreedExpected: 0,
    agreedObserved: 0,
    wider: nearestWider(cuts, cut),
    bandExpected: 0,
    bandObserved: 0,
    keptExpected: 0,
    keptObserved: 0,
  }));
  // Everything but the most likely token: the mass and the tokens the kept counts are read against.
  const placedCuts: readonly TailCut[] = [...cuts, { kind: "top-k", value: 1 }];
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
        ...untruncatedSampling,
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
      // often a rare byte token: leaving that position out would hide exactly the tail tokens sought). That
      // place counts towards a deficit, not towards an excess: a token the reference did not score as
      // sampled is not evidence of a flatter distribution.
      const sampled = completion.tokens;
      const places: { alternatives: readonly TopLogprob[]; token: string; agreed: boolean }[] = [];
      for (const [position, token] of scored.tokens.entries()) {
        const sampledToken = sampled === undefined ? token.token : sampled[position]?.token;
        if (sampledToken === undefined) break;
        const agreed = sampledToken === token.token;
        places.push({ alternatives: token.topLogprobs ?? [], token: sampledToken, agreed });
        if (!agreed) break;
      }
      for (const { alternatives, token, agreed } of places) {
        const place = tailPosition(alternatives, token, placedCuts, options.temperature);
        const belowTopMass = place.tailMass[cuts.length] ?? 0;
        const belowTop = place.inTail[cuts.length] === true;
        positions += 1;
        smallestRelative = Math.min(smallestRelative, place.relativeProbability);
        largestRank = Math.max(largestRank, place.rank);
        for (const [index, entry] of counts.entries()) {
          const mass = place.tailMass[index] ?? 0;
          const inTail = place.inTail[index] === true;
          entry.expected += mass;
          if (inTail) entry.observed += 1;
          if (agreed) {
            entry.agreedExpected += mass;
            if (inTail) entry.agreedObserved += 1;
          }
          if (mass < 1) {
            entry.keptExpected += Math.max(0, belowTopMass - mass) / (1 - mass);
            if (belowTop && !inTail) entry.keptObserved += 1;
          }
          if (entry.wider !== undefined && mass < 1) {
            const widerMass = place.tailMass[entry.wider] ?? 0;
            entry.bandExpected += Math.max(0, widerMass - mass) / (1 - mass);
            if (place.inTail[entry.wider] === true && !inTail) entry.bandObserved += 1;
          }
        }
      }
    }
  }
  const threshold = options.alpha / Math.max(1, 2 * cuts.length);
  const short = (count: number, mean: number, ratio = deficitRatio) =>
    poissonLowerTail(count, mean) < threshold && count <= ratio * mean;
  const tested: CutTest[] = counts.map((entry) => {
    const deficit = short(entry.observed, entry.expected);
    const excessP = poissonUpperTail(entry.agreedObserved, entry.agreedExpected);
    return {
      ...entry,
      deficitP: poissonLowerTail(entry.observed, entry.expected),
      excessP,
      deficit,
      excess: excessP < threshold && entry.agreedObserved >= excessRatio * entry.agreedExpected,
      fits:
        deficit &&
        entry.observed <= emptyTailRatio * entry.expected &&
        entry.agreedObserved <= boundaryRatio * entry.agreedExpected &&
        (entry.wider === undefined || !short(entry.bandObserved, entry.bandExpected)) &&
        !short(entry.keptObserved, entry.keptExpected, keptRatio),
    };
  });
  const figures: Record<string, number | string | undefined> = {
    positions,
    smallestRelativeProbability: Number.isFinite(smallestRelative) ? smallestRelative : undefined,
    largestRank,
  };
  for (const entry of tested) {
    const name = describeTailCut(entry.cut);
    figures[`${name} expected`] = entry.expected;
    figures[`${name} observed`] = entry.observed;
    figures[`${name} p`] = entry.deficitP;
    figures[`${name} excess p`] = entry.excessP;
    figures[`${name} agreed expected`] = entry.agreedExpected;
    figures[`${name} agreed observed`] = entry.agreedObserved;
    figures[`${name} kept expected`] = entry.keptExpected;
    figures[`${name} kept observed`] = entry.keptObserved;
  }
  const sampledTokens = `${positions} sampled tokens at temperature ${options.temperature}`;
  const excess = tested.filter((entry) => entry.excess);
  const strongestExcess = [...excess].sort((left, right) => left.excessP - right.excessP)[0];
  const excessNote =
    strongestExcess === undefined
      ? ""
      : `; more low-probability tokens than the reference's below ${describeTailCut(strongestExcess.cut)} (expected ${format(
          strongestExcess.agreedExpected,
        )}, saw ${strongestExcess.agreedObserved}, p ${format(strongestExcess.excessP)})`;
  const fitting = tested.filter((entry) => entry.fits);
  if (fitting.length > 0) {
    const estimated = estimateCut(fitting);
    figures.estimatedCut = describeTailCut(estimated.cut);
    return {
      name: "sampling",
      verdict: "truncated",
      detail: `${sampledTokens} with topK 0, topP 1, minP 0 asked: estimated cut ${describeTailCut(
        estimated.cut,
      )} (reference expected ${format(estimated.expected)} tokens below it, candidate emitted ${estimated.observed}, p ${format(
        estimated.deficitP,
      )}); smallest emitted probability ${format(smallestRelative)}× the top, largest rank ${largestRank}${excessNote}`,
      figures,
    };
  }
  if (strongestExcess !== undefined) {
    return {
      name: "sampling",
      verdict: "differs",
      detail: `${sampledTokens}: distribution differs (e.g. hidden temperature)${excessNote}`,
      figures,
    };
  }
  const strongestDeficit = tested
    .filter((entry) => entry.deficit)
    .sort((left, right) => left.deficitP - right.deficitP)[0];
  if (strongestDeficit !== undefined) {
    return {
      name: "sampling",
      verdict: "differs",
      detail: `${sampledTokens}: distribution differs (e.g. hidden temperature): fewer low-probability tokens than the reference's below ${describeTailCut(
        strongestDeficit.cut,
      )} (expected ${format(strongestDeficit.expected)}, saw ${strongestDeficit.observed}, p ${format(
        strongestDeficit.deficitP,
      )}), but no tested cut explains it (none empties its tail while keeping the tokens above it at the rate it would leave)`,
      figures,
    };
  }
  const strongest = [...tested].sort((left, right) => right.expected - left.expected)[0];
  return {
    name: "sampling",
    verdict: "same",
    detail: `${sampledTokens} show no hidden cut or temperature${
      strongest === undefined
        ? ""
        : ` (below ${describeTailCut(strongest.cut)}: expected ${format(strongest.expected)}, saw ${strongest.observed})`
    }`,
    figures,
  };
}

/** Index of the cut of `cut`'s kind that removes the least among those removing more than `cut`. */
function nearestWider(cuts: readonly TailCut[], cut: TailCut): number | undefined {
  let nearest: number | undefined;
  for (const [index, other] of cuts.entries()) {
    if (!removesMore(other, cut)) continue;
    const current = nearest === undefined ? undefined : cuts[nearest];
    if (current === undefined || removesMore(current, other)) nearest = index;
  }
  return nearest;
}

/**
 * The cut that explains the deficit best: the likeliest truncation given the samples. A cut whose tail the
 * candidate crossed is less likely than one it never crossed (fewest tail tokens first); among those, the
 * one that removes the most mass, since the samples are likelier the more mass their cut is known to have
 * removed (a min-p 0.05 server also empties the tails of min-p 0.01 and 0.02, which remove less).
 */
function estimateCut<Entry extends { cut: TailCut; expected: number; observed: number }>(
  fitting: readonly Entry[],
): Entry {
  const fewest = Math.min(...fitting.map((entry) => entry.observed));
  const pool = fitting.filter((entry) => entry.observed === fewest);
  return [...pool].sort((left, right) => right.expected - left.expected)[0] ?? (fitting[0] as Entry);
}
