import { describe, expect, it } from "vitest";
import { seededRng } from "../runtime/index.ts";
import type { Backend, Completion, GenerationRequest, Prompt, TokenLogprob } from "../spec/index.ts";
import { detectHiddenTruncation } from "./detect-hidden-truncation.ts";
import { fidelityCapabilities } from "./fidelity-capabilities.test-support.ts";

/** A vocabulary of single-letter tokens, so that a text splits back into the tokens sampled. */
const vocabulary = [..."abcdefghijklmnopqrstuvwxyz"];

/** Unnormalised weights of the vocabulary's ranks, most likely first. */
type Shape = readonly number[];

const zipf = (exponent: number): Shape => vocabulary.map((_, rank) => (rank + 1) ** -exponent);

/** The positions' shapes, in turn: peaked, middling and flat Zipf distributions. */
const zipfShapes: readonly Shape[] = [zipf(2.5), zipf(1.2), zipf(0.6)];

/**
 * A model sure of its token (0.92), four runners-up at 0.02 and a flat tail of 3e-6 each: below the
 * runners-up, sampling at 2 reaches the tail often while sampling at 1 practically never does.
 */
const confident: readonly Shape[] = [
  vocabulary.map((_, rank) => (rank === 0 ? 0.92 : rank <= 4 ? 0.02 : 3e-6)),
];

/** The raw next-token distribution at `position`, most likely first (ranks rotate over the vocabulary). */
function distributionAt(
  position: number,
  shapes: readonly Shape[],
): { token: string; probability: number }[] {
  const weights = shapes[position % shapes.length] ?? zipf(1);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight, rank) => ({
    token: vocabulary[(rank + position) % vocabulary.length] ?? "a",
    probability: weight / total,
  }));
}

const capabilities = fidelityCapabilities(vocabulary.length);

/** How a candidate turns the raw distribution (most likely first) and the asked temperature into sampling weights. */
type Sampler = (probabilities: readonly number[], temperature: number) => number[];

const faithful: Sampler = (probabilities, temperature) =>
  probabilities.map((probability) => probability ** (1 / temperature));

/** Samples at `temperature` whatever the request asks. */
const hiddenTemperature =
  (temperature: number): Sampler =>
  (probabilities) =>
    faithful(probabilities, temperature);

/** Cuts the raw distribution's nucleus at `value` (llama.cpp's order: top-p before temperature). */
const hiddenTopP =
  (value: number): Sampler =>
  (probabilities, temperature) => {
    let above = 0;
    return probabilities.map((probability) => {
      const kept = above < value;
      above += probability;
      return kept ? probability ** (1 / temperature) : 0;
    });
  };

/** Keeps tokens of at least `value` times the most likely one's probability. */
const hiddenMinP =
  (value: number): Sampler =>
  (probabilities, temperature) =>
    probabilities.map((probability) =>
      probability >= value * (probabilities[0] ?? 0) ? probability ** (1 / temperature) : 0,
    );

/** The reference: scores any text of the vocabulary under {@link distributionAt}, listing the whole distribution. */
const reference = (shapes: readonly Shape[]): Backend => ({
  describe: () => ({ kind: "synthetic", model: "reference" }),
  capabilities: async () => capabilities,
  generate: async () => {
    throw new Error("the reference is only scored");
  },
  score: async ({ continuation }) => {
    const tokens: TokenLogprob[] = [...continuation].map((token, position) => {
      const distribution = distributionAt(position, shapes);
      const listed = distribution.map((entry) => ({
        token: entry.token,
        logprob: Math.log(entry.probability),
      }));
      return {
        token,
        logprob: listed.find((entry) => entry.token === token)?.logprob ?? Number.NEGATIVE_INFINITY,
        topLogprobs: listed,
      };
    });
    const usage = { promptTokens: 1, completionTokens: tokens.length, calls: 1 };
    return { tokens, logprob: tokens.reduce((sum, token) => sum + token.logprob, 0), usage };
  },
});

/** A candidate that samples {@link distributionAt} through `sampler`, seeded by the request. */
function candidate(sampler: Sampler, shapes: readonly Shape[]): Backend {
  return {
    describe: () => ({ kind: "synthetic", model: "candidate" }),
    capabilities: async () => capabilities,
    generate: async (request: GenerationRequest) => {
      const rng = seededRng(request.seed ?? 0);
      const completions: Completion[] = Array.from({ length: request.n ?? 1 }, (_, index) => {
        const tokens: TokenLogprob[] = [];
        for (let position = 0; position < (request.maxTokens ?? 16); position += 1) {
          const distribution = distributionAt(position, shapes);
          const weights = sampler(
            distribution.map((entry) => entry.probability),
            request.temperature ?? 1,
          );
          const total = weights.reduce((sum, weight) => sum + weight, 0);
          let draw = rng.next() * total;
          let picked = 0;
          while (picked < weights.length - 1 && draw >= (weights[picked] ?? 0)) {
            draw -= weights[picked] ?? 0;
            picked += 1;
          }
          const entry = distribution[picked] ?? distribution[0]!;
          tokens.push({ token: entry.token, logprob: Math.log(entry.probability) });
        }
        const text = tokens.map((token) => token.token).join("");
        return { index, text, tokens, finishReason: "length", completionTokens: tokens.length };
      });
      return {
        completions,
        usage: {
          promptTokens: 1,
          completionTokens: completions.length * (request.maxTokens ?? 16),
          calls: 1,
        },
        model: "candidate",
      };
    },
  };
}

const prompts: Prompt[] = [
  { kind: "text", text: "one" },
  { kind: "text", text: "two" },
];

/** Keeps the `value` most likely tokens. */
const hiddenTopK =
  (value: number): Sampler =>
  (probabilities, temperature) =>
    probabilities.map((probability, rank) => (rank < value ? probability ** (1 / temperature) : 0));

function check(sampler: Sampler, seed = 0, shapes = zipfShapes) {
  return detectHiddenTruncation({
    reference: reference(shapes),
    candidate: candidate(sampler, shapes),
    prompts,
    samples: 32,
    maxTokens: 24,
    temperature: 2,
    seed,
    alpha: 0.001,
  });
}

describe("detectHiddenTruncation", () => {
  it("finds a faithful sampler the same, with tail counts near their expectation, across seeds", async () => {
    for (let seed = 0; seed < 5; seed += 1) {
      const result = await check(faithful, seed);
      expect(result.verdict).toBe("same");
      expect(result.figures.estimatedCut).toBeUndefined();
      const expected = Number(result.figures["min-p 0.05 expected"]);
      const observed = Number(result.figures["min-p 0.05 observed"]);
      expect(expected).toBeGreaterThan(100);
      expect(observed / expected).toBeGreaterThan(0.8);
      expect(observed / expected).toBeLessThan(1.25);
    }
  });

  it("flags a hotter sampler (a hidden temperature 4 where 2 was asked) as an excess, not a cut", async () => {
    const result = await check(hiddenTemperature(4));
    expect(result.verdict).toBe("differs");
    expect(result.detail).toContain("distribution differs (e.g. hidden temperature)");
    expect(result.detail).toContain("more low-probability tokens");
    expect(result.figures.estimatedCut).toBeUndefined();
    const expected = Number(result.figures["min-p 0.01 expected"]);
    expect(Number(result.figures["min-p 0.01 observed"])).toBeGreaterThan(1.5 * expected);
    expect(Number(result.figures["min-p 0.01 excess p"])).toBeLessThan(1e-6);
  });

  it("calls a colder sampler's deficit a differing distribution rather than naming a cut it does not fit", async () => {
    const result = await check(hiddenTemperature(1));
    expect(result.verdict).toBe("differs");
    expect(result.detail).toContain("fewer low-probability tokens");
    expect(result.detail).toContain("no tested cut explains it");
    expect(result.figures.estimatedCut).toBeUndefined();
  });

  it("calls a colder sampler on a confident model differing, though it empties the deep tails as a cut would", async () => {
    // At temperature 1 where 2 is asked, the tail below the runners-up is empty (as under top-k 5, top-k 10
    // or min-p 0.01), and the band ranks 6-10 is too thin to tell; but the runners-up, which a cut would
    // keep at a raised rate, are emitted at a fifth of it.
    for (let seed = 0; seed < 3; seed += 1) {
      const result = await check(hiddenTemperature(1), seed, confident);
      expect(result.figures.estimatedCut).toBeUndefined();
      expect(result.verdict).toBe("differs");
      expect(result.figures["top-k 10 observed"]).toBe(0);
      expect(Number(result.figures["top-k 10 expected"])).toBeGreaterThan(20);
      expect(Number(result.figures["top-k 10 kept observed"])).toBeLessThan(
        0.5 * Number(result.figures["top-k 10 kept expected"]),
      );
      expect(result.detail).toContain("fewer low-probability tokens");
    }
  });

  it("calls a colder sampler differing when it leaves a few deep-tail tokens a cut could not have emitted", async () => {
    // Four equally likely tokens and a deep tail: a temperature does not change the four's shares, so the
    // kept counts fit a cut; but the tail, though a twentieth of its expectation, is not empty.
    const level = vocabulary.map((_, rank) => (rank < 4 ? 0.25 : 3e-4));
    const result = await check(hiddenTemperature(1), 0, [level]);
    expect(result.figures.estimatedCut).toBeUndefined();
    expect(result.verdict).toBe("differs");
    const observed = Number(result.figures["min-p 0.05 observed"]);
    expect(observed).toBeGreaterThan(0.02 * Number(result.figures["min-p 0.05 expected"]));
    expect(observed).toBeLessThan(0.1 * Number(result.figures["min-p 0.05 expected"]));
  });

  it("names a hidden top-k 10 on the same confident model, the tokens it keeps emitted at its rate", async () => {
    const result = await check(hiddenTopK(10), 0, confident);
    expect(result.verdict).toBe("truncated");
    expect(result.figures.estimatedCut).toBe("top-k 10");
    const keptExpected = Number(result.figures["top-k 10 kept expected"]);
    const keptObserved = Number(result.figures["top-k 10 kept observed"]);
    expect(keptObserved / keptExpected).toBeGreaterThan(0.8);
    expect(keptObserved / keptExpected).toBeLessThan(1.25);
  });

  it("names a hidden top-p 0.9 as top-p, its tail empty and the band above it kept", async () => {
    const result = await check(hiddenTopP(0.9));
    expect(result.verdict).toBe("truncated");
    expect(result.figures.estimatedCut).toBe("top-p 0.9");
    expect(result.figures["top-p 0.9 observed"]).toBe(0);
    expect(Number(result.figures["top-p 0.9 expected"])).toBeGreaterThan(20);
    expect(result.detail).toContain("estimated cut top-p 0.9");
  });

  it("names a hidden min-p 0.05 as min-p 0.05, not the narrower min-p cuts whose tails are empty too", async () => {
    const result = await check(hiddenMinP(0.05));
    expect(result.verdict).toBe("truncated");
    expect(result.figures.estimatedCut).toBe("min-p 0.05");
    expect(result.figures["min-p 0.02 observed"]).toBe(0);
    expect(result.figures["min-p 0.05 observed"]).toBe(0);
  });
});
