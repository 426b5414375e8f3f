import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { seededRng } from "../runtime/index.ts";
import type { BanditPolicyName } from "./bandit-policy.ts";
import { type BanditRouter, createBanditRouter } from "./bandit-router.ts";
import { sampleBeta } from "./sample-beta.ts";

/** A simulated pool: each model answers correctly with a known rate and costs a fixed number of tokens. */
interface SimulatedModel {
  readonly name: string;
  readonly successRate: number;
  readonly cost: number;
}

/** Runs `rounds` requests through the router; returns the model chosen each round. */
function simulate(router: BanditRouter, pool: readonly SimulatedModel[], rounds: number, seed = 99) {
  const world = seededRng(seed);
  const chosen: string[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const name = router.choose();
    const model = pool.find((candidate) => candidate.name === name);
    if (model === undefined) throw new Error(`unknown model ${name}`);
    router.record(name, { reward: world.next() < model.successRate ? 1 : 0, cost: model.cost });
    chosen.push(name);
  }
  return chosen;
}

const share = (chosen: readonly string[], name: string) =>
  chosen.filter((model) => model === name).length / chosen.length;

const policies: readonly BanditPolicyName[] = ["ucb", "thompson"];

describe("createBanditRouter", () => {
  for (const policy of policies) {
    it(`${policy}: converges to the model that is right more often`, () => {
      const pool = [
        { name: "small", successRate: 0.3, cost: 1 },
        { name: "large", successRate: 0.7, cost: 1 },
      ];
      const router = createBanditRouter({ arms: ["small", "large"], policy, seed: 3 });
      const chosen = simulate(router, pool, 2000);
      expect(share(chosen.slice(1000), "large")).toBeGreaterThan(0.9);
      const [small, large] = router.arms();
      expect(small?.pulls).toBeLessThan(300);
      expect(large?.meanReward).toBeCloseTo(0.7, 1);
      expect((small?.pulls ?? 0) + (large?.pulls ?? 0)).toBe(2000);
      expect(large?.meanCost).toBe(1);
    });

    it(`${policy}: λ trades reward against cost (a high λ makes the cheaper model win)`, () => {
      // large is right more often, but costs ten times as many tokens.
      const pool = [
        { name: "small", successRate: 0.6, cost: 10 },
        { name: "large", successRate: 0.8, cost: 100 },
      ];
      const free = simulate(createBanditRouter({ arms: ["small", "large"], policy, seed: 5 }), pool, 2000);
      expect(share(free.slice(1000), "large")).toBeGreaterThan(0.85);
      // λ = 0.01: small earns 0.6 − 0.1 = 0.5, large 0.8 − 1 = −0.2.
      const priced = createBanditRouter({ arms: ["small", "large"], policy, lambda: 0.01, seed: 5 });
      const chosen = simulate(priced, pool, 2000);
      expect(share(chosen.slice(1000), "small")).toBeGreaterThan(0.9);
      expect(priced.lambda).toBe(0.01);
    });

    it(`${policy}: is deterministic under its seed`, () => {
      const pool = [
        { name: "a", successRate: 0.5, cost: 1 },
        { name: "b", successRate: 0.55, cost: 1 },
        { name: "c", successRate: 0.45, cost: 1 },
      ];
      const run = (seed: number) =>
        simulate(createBanditRouter({ arms: ["a", "b", "c"], policy, seed }), pool, 300);
      expect(run(11)).toEqual(run(11));
    });
  }

  it("thompson: different seeds make different choices; ucb reads no randomness", () => {
    const pool = [
      { name: "a", successRate: 0.5, cost: 1 },
      { name: "b", successRate: 0.55, cost: 1 },
    ];
    const run = (policy: BanditPolicyName, seed: number) =>
      simulate(createBanditRouter({ arms: ["a", "b"], policy, seed }), pool, 200);
    expect(run("thompson", 1)).not.toEqual(run("thompson", 2));
    expect(run("ucb", 1)).toEqual(run("ucb", 2));
  });

  it("ucb: tries every model once, then spreads pulls still waiting for their outcome", () => {
    const router = createBanditRouter({ arms: ["a", "b", "c"], policy: "ucb" });
    expect([router.choose(), router.choose(), router.choose(), router.choose(), router.choose()]).toEqual([
      "a",
      "b",
      "c",
      "a",
      "b",
    ]);
    router.release("b");
    expect(router.arms().map((arm) => arm.pulls)).toEqual([2, 1, 1]);
    router.record("a", { reward: 1, cost: 40 });
    router.record("a", { reward: 0, cost: 20 });
    expect(router.arms()[0]).toEqual({ name: "a", pulls: 2, observations: 2, meanReward: 0.5, meanCost: 30 });
  });

  it("release() never takes back a pull whose outcome was recorded", () => {
    const router = createBanditRouter({ arms: ["a", "b"], policy: "ucb" });
    const arm = router.choose();
    router.record(arm, { reward: 1, cost: 1 });
    router.release(arm);
    expect(router.arms().find((entry) => entry.name === arm)).toMatchObject({ pulls: 1, observations: 1 });
  });

  it("refuses bad options and outcomes, naming the field", () => {
    const fieldOf = (make: () => unknown) => {
      try {
        make();
      } catch (error) {
        if (ConfigError.isInstance(error)) return `${error.field}: ${error.message}`;
        throw error;
      }
      return "no error";
    };
    // The errors name the factory as it is called, as README does.
    expect(fieldOf(() => createBanditRouter({ arms: ["a"], policy: "ucb" }))).toBe(
      'arms: createBanditRouter: arms must name two or more models, got ["a"]',
    );
    expect(fieldOf(() => createBanditRouter({ arms: ["a", "a"], policy: "ucb" }))).toMatch(/^arms: /);
    expect(
      fieldOf(() => createBanditRouter({ arms: ["a", "b"], policy: "greedy" as BanditPolicyName })),
    ).toMatch(/^policy: .*"ucb" or "thompson", got "greedy"/);
    expect(fieldOf(() => createBanditRouter({ arms: ["a", "b"], policy: "ucb", lambda: -1 }))).toMatch(
      /^lambda: /,
    );
    const router = createBanditRouter({ arms: ["a", "b"], policy: "ucb" });
    expect(fieldOf(() => router.record("a", { reward: 2, cost: 0 }))).toMatch(/^reward: /);
    expect(fieldOf(() => router.record("a", { reward: 1, cost: -3 }))).toMatch(/^cost: /);
    expect(fieldOf(() => router.record("z", { reward: 1, cost: 0 }))).toBe(
      'arm: createBanditRouter: unknown arm "z"; the arms are a, b',
    );
  });
});

describe("sampleBeta", () => {
  it("draws with the Beta distribution's mean and variance", () => {
    const rng = seededRng(4);
    const draws = Array.from({ length: 20_000 }, () => sampleBeta(3, 7, rng));
    const mean = draws.reduce((sum, value) => sum + value, 0) / draws.length;
    const variance = draws.reduce((sum, value) => sum + (value - mean) ** 2, 0) / draws.length;
    expect(mean).toBeCloseTo(0.3, 2);
    // Var = αβ / ((α+β)²(α+β+1)) = 21 / 1100.
    expect(Math.abs(variance - 21 / 1100)).toBeLessThan(0.001);
    expect(Math.min(...draws)).toBeGreaterThan(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const small = Array.from({ length: 20_000 }, () => sampleBeta(0.5, 0.5, rng));
    expect(small.reduce((sum, value) => sum + value, 0) / small.length).toBeCloseTo(0.5, 1);
  });
});
