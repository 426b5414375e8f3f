import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisUnderTest } from "../../runtime/test-services.test-support.ts";
import type { KeyBudgetStore } from "../middleware/index.ts";
import { connectRedisServingState } from "./redis-serving-state.ts";
import { redisTestPrefix } from "./redis-test-prefix.test-support.ts";
import type { ServingState } from "./serving-state.ts";

// The Redis budget keeps the in-memory budget's semantics (key-token-budget.test.ts, same scenarios):
// fixed windows from a key's first request, exact admission, give-back once and only in its window.

const redis = redisUnderTest();
if (redis.missing !== undefined) console.log(redis.missing);

describe.skipIf(redis.url === undefined)("redisKeyBudgetStore", () => {
  const scope = redisTestPrefix(redis.url ?? "", "budget");
  let time = 1_000_000;
  let state: ServingState;
  beforeAll(async () => {
    state = await connectRedisServingState({ url: redis.url ?? "", prefix: scope.prefix, now: () => time });
  });
  afterAll(async () => {
    await state?.close();
    await scope.clean();
  });

  const admitted = async (store: KeyBudgetStore, key: string, tokens: number) =>
    !("retryAfterSeconds" in (await store.reserve(key, tokens)));

  it("lets through exactly what the budget covers, per key and per window", async () => {
    const budget = state.keyBudget(5_000);
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => budget.reserve("a", 1_000)));
    expect(outcomes.filter((outcome) => !("retryAfterSeconds" in outcome))).toHaveLength(5);
    expect(outcomes.filter((outcome) => "retryAfterSeconds" in outcome)).toEqual([
      { retryAfterSeconds: 60, remainingTokens: 0 },
      { retryAfterSeconds: 60, remainingTokens: 0 },
      { retryAfterSeconds: 60, remainingTokens: 0 },
    ]);
    expect(await admitted(budget, "b", 5_000)).toBe(true);
    time += 45_000;
    expect(await budget.reserve("a", 1)).toEqual({ retryAfterSeconds: 15, remainingTokens: 0 });
    time += 15_000;
    expect(await admitted(budget, "a", 5_000)).toBe(true);
  });

  it("tells a refused request how many tokens are left in the window", async () => {
    const budget = state.keyBudget(5_000);
    expect(await admitted(budget, "e", 3_000)).toBe(true);
    expect(await budget.reserve("e", 3_000)).toEqual({ retryAfterSeconds: 60, remainingTokens: 2_000 });
  });

  it("gives back what a request did not use, once, and keeps unknown usage reserved", async () => {
    const budget = state.keyBudget(3_000);
    const first = await budget.reserve("c", 3_000);
    if ("retryAfterSeconds" in first) throw new Error("refused");
    expect(await admitted(budget, "c", 1)).toBe(false);
    await first.settle(1_000);
    await first.settle(0);
    const second = await budget.reserve("c", 2_000);
    expect("retryAfterSeconds" in second).toBe(false);
    expect(await admitted(budget, "c", 1)).toBe(false);
    if ("retryAfterSeconds" in second) throw new Error("refused");
    await second.settle(undefined);
    expect(await admitted(budget, "c", 1)).toBe(false);
  });

  it("gives nothing back into the next window", async () => {
    const budget = state.keyBudget(3_000);
    const old = await budget.reserve("d", 3_000);
    if ("retryAfterSeconds" in old) throw new Error("refused");
    time += 60_000;
    expect(await admitted(budget, "d", 3_000)).toBe(true);
    await old.settle(0);
    expect(await admitted(budget, "d", 1)).toBe(false);
  });

  it("charges what a request used beyond its reservation, in its window only", async () => {
    const budget = state.keyBudget(3_100);
    const first = await budget.reserve("f", 510);
    if ("retryAfterSeconds" in first) throw new Error("refused");
    await first.settle(2_040);
    expect(await budget.reserve("f", 1_061)).toEqual({ retryAfterSeconds: 60, remainingTokens: 1_060 });
    const second = await budget.reserve("f", 510);
    if ("retryAfterSeconds" in second) throw new Error("refused");
    await second.settle(2_040);
    // The window counts 4,080 of its 3,100 tokens: nothing is left, and nothing more is admitted.
    expect(await budget.reserve("f", 1)).toEqual({ retryAfterSeconds: 60, remainingTokens: 0 });
    const late = await budget.reserve("g", 510);
    if ("retryAfterSeconds" in late) throw new Error("refused");
    time += 60_000;
    await late.settle(2_040);
    expect(await admitted(budget, "g", 3_100)).toBe(true);
  });
});
