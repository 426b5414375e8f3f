import type { TopLogprob } from "../spec/index.ts";

/**
 * A truncation a server may apply silently: keep the `value` most likely tokens (`top-k`), those ≥
 * `value`·max (`min-p`), or the most likely tokens until their mass reaches `value` (`top-p`, the token
 * that crosses it kept).
 */
export type TailCut =
  | { readonly kind: "top-k"; readonly value: number }
  | { readonly kind: "min-p"; readonly value: number }
  | { readonly kind: "top-p"; readonly value: number };

/**
 * The cuts the hidden-truncation check tests: common server defaults and their neighbours (llama.cpp's
 * server: top-k 40, top-p 0.95, min-p 0.05; model cards' generation configs: top-p 0.8 to 0.95). Top-k
 * stops at 10: deeper tails of a small vocabulary are byte-fallback tokens, which do not survive the text
 * round trip the check relies on (on the lab models they were counted at a third of their rate); a
 * server's top-k 40 usually comes with a min-p 0.05 that is tested. Pass `cuts` to test others.
 */
export const defaultTailCuts: readonly TailCut[] = [
  { kind: "min-p", value: 0.01 },
  { kind: "min-p", value: 0.02 },
  { kind: "min-p", value: 0.05 },
  { kind: "min-p", value: 0.1 },
  { kind: "top-k", value: 1 },
  { kind: "top-k", value: 2 },
  { kind: "top-k", value: 5 },
  { kind: "top-k", value: 10 },
  { kind: "top-p", value: 0.8 },
  { kind: "top-p", value: 0.9 },
  { kind: "top-p", value: 0.95 },
];

/** A cut written as a server flag would be: `min-p 0.05`, `top-k 40`, `top-p 0.95`. */
export function describeTailCut(cut: TailCut): string {
  return `${cut.kind} ${cut.value}`;
}

/**
 * Whether `wider` is a cut of the same kind as `narrower` that removes more of every distribution: a larger
 * min-p, a smaller top-k or a smaller top-p. Its tail then holds `narrower`'s tail.
 *
 * @example
 * removesMore({ kind: "min-p", value: 0.1 }, { kind: "min-p", value: 0.05 }); // true
 */
export function removesMore(wider: TailCut, narrower: TailCut): boolean {
  if (wider.kind !== narrower.kind) return false;
  return wider.kind === "min-p" ? wider.value > narrower.value : wider.value < narrower.value;
}

/** Where one sampled token falls in the reference's distribution at its position. */
export interface TailPosition {
  /** Reference probability of the sampled token divided by the reference's most likely token's. */
  readonly relativeProbability: number;
  /** 1-based rank of the sampled token in the reference's distribution (beyond the list: its length + 1). */
  readonly rank: number;
  /** Reference mass each cut removes (in the order of the cuts given). */
  readonly tailMass: readonly number[];
  /** Whether the sampled token lies in each cut's removed tail. */
  readonly inTail: readonly boolean[];
}

/**
 * Places a sampled token in the reference distribution `alternatives` (raw logprobs, most likely first;
 * the whole distribution, or a top-k of it whose missing mass counts as one tail token for every cut) and
 * measures, for each cut, the mass the cut removes from the distribution sampled at `temperature`
 * (p^(1/T), renormalised) and whether the token lies in it. Cuts apply to the raw distribution, as
 * llama.cpp's server does (top-p and min-p before temperature); a token's rank is the same either way.
 * Top-p counts the listed mass only: a token past a listed mass of `value` is removed.
 *
 * @example
 * tailPosition([{ token: "a", logprob: Math.log(0.9) }, { token: "b", logprob: Math.log(0.1) }], "b", defaultTailCuts);
 */
export function tailPosition(
  alternatives: readonly TopLogprob[],
  sampledToken: string,
  cuts: readonly TailCut[],
  temperature = 1,
): TailPosition {
  const probabilities = alternatives.map((entry) => Math.exp(entry.logprob));
  const maximum = probabilities[0] ?? 0;
  const listed = probabilities.reduce((sum, value) => sum + value, 0);
  const missing = Math.max(0, 1 - listed);
  const tempered = probabilities.map((value) => value ** (1 / temperature));
  const temperedMissing = missing > 1e-9 ? missing ** (1 / temperature) : 0;
  const total = tempered.reduce((sum, value) => sum + value, temperedMissing);
  const index = alternatives.findIndex((entry) => entry.token === sampledToken);
  const sampledProbability = index < 0 ? 0 : (probabilities[index] ?? 0);
  const rank = index < 0 ? alternatives.length + 1 : index + 1;
  // The listed mass above each position (most likely first), for top-p.
  const above: number[] = [];
  probabilities.reduce((sum, value) => {
    above.push(sum);
    return sum + value;
  }, 0);
  const at = (position: number, probability: number): Place => ({
    rank: position + 1,
    probability,
    above: above[position] ?? listed,
    maximum,
  });
  const sampledPlace = index < 0 ? undefined : at(index, sampledProbability);
  const tailMass: number[] = [];
  const inTail: boolean[] = [];
  for (const cut of cuts) {
    let mass = temperedMissing;
    for (const [position, probability] of probabilities.entries()) {
      if (removedBy(cut, at(position, probability))) mass += tempered[position] ?? 0;
    }
    tailMass.push(total > 0 ? Math.min(1, mass / total) : 0);
    inTail.push(sampledPlace === undefined || removedBy(cut, sampledPlace));
  }
  return {
    relativeProbability: maximum > 0 ? sampledProbability / maximum : 0,
    rank,
    tailMass,
    inTail,
  };
}

/** A listed token's place in the raw distribution. */
interface Place {
  /** 1-based rank. */
  readonly rank: number;
  readonly probability: number;
  /** Mass of the tokens listed before it. */
  readonly above: number;
  /** Probability of the most likely token. */
  readonly maximum: number;
}

function removedBy(cut: TailCut, place: Place): boolean {
  switch (cut.kind) {
    case "top-k":
      return place.rank > cut.value;
    case "min-p":
      return place.probability < cut.value * place.maximum;
    case "top-p":
      return place.above >= cut.value;
  }
}
