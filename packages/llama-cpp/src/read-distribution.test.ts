import type { Token } from "node-llama-cpp";
import { describe, expect, it } from "vitest";
import { readDistribution } from "./read-distribution.ts";

/** A distribution over token ids 0…, most likely first, as node-llama-cpp hands it over. */
function distribution(probabilities: readonly number[]): Map<Token, number> {
  return new Map(
    probabilities
      .map((probability, token) => [token as Token, probability] as const)
      .sort((left, right) => right[1] - left[1]),
  );
}

describe("readDistribution", () => {
  const raw = [0.6, 0.25, 0.1, 0.04, 0.01];

  it("reads the raw distribution as it is at temperature 1", () => {
    const read = readDistribution({ token: 1 as Token, probabilities: distribution(raw) }, 2);
    expect(read.logprob).toBeCloseTo(Math.log(0.25), 12);
    expect(read.top).toEqual([
      { token: 0, logprob: Math.log(0.6) },
      { token: 1, logprob: Math.log(0.25) },
    ]);
  });

  it.each([
    0.5, 0.8, 1.5,
  ])("undoes temperature %s exactly from the whole tempered distribution", (temperature) => {
    const weights = raw.map((probability) => probability ** (1 / temperature));
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    const tempered = distribution(weights.map((weight) => weight / total));
    const read = readDistribution({ token: 3 as Token, probabilities: tempered }, 5, temperature);
    expect(read.logprob).toBeCloseTo(Math.log(0.04), 12);
    expect(read.top.map((entry) => entry.token)).toEqual([0, 1, 2, 3, 4]);
    for (const entry of read.top) expect(entry.logprob).toBeCloseTo(Math.log(raw[entry.token]!), 12);
  });

  it("gives the raw distribution's entropy in nats, undoing a temperature as well", () => {
    const entropy = -raw.reduce((sum, probability) => sum + probability * Math.log(probability), 0);
    expect(readDistribution({ token: 0 as Token, probabilities: distribution(raw) }, 0).entropy).toBeCloseTo(
      entropy,
      12,
    );
    const weights = raw.map((probability) => probability ** 2);
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    const tempered = distribution(weights.map((weight) => weight / total));
    expect(readDistribution({ token: 0 as Token, probabilities: tempered }, 0, 0.5).entropy).toBeCloseTo(
      entropy,
      12,
    );
    expect(readDistribution({ token: 0 as Token, confidence: 0.6 }, 0).entropy).toBeUndefined();
  });

  it("gives −∞ to a token whose tempered probability underflowed", () => {
    const read = readDistribution({ token: 1 as Token, probabilities: distribution([1, 0]) }, 2, 0.5);
    expect(read.logprob).toBe(Number.NEGATIVE_INFINITY);
    expect(read.top[0]?.logprob).toBe(0);
  });
});
