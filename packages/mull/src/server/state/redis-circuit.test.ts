import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisUnderTest } from "../../runtime/test-services.test-support.ts";
import { connectRedisServingState } from "./redis-serving-state.ts";
import { redisTestPrefix } from "./redis-test-prefix.test-support.ts";
import type { ServingState } from "./serving-state.ts";

// The shared circuit keeps `createCircuitBreaker`'s rules (circuit-breaker.test.ts), across two clients
// that stand for two replicas: what one records, the other obeys.

const redis = redisUnderTest();
if (redis.missing !== undefined) console.log(redis.missing);

describe.skipIf(redis.url === undefined)("redisCircuit", () => {
  const scope = redisTestPrefix(redis.url ?? "", "circuit");
  let time = 5_000_000;
  let first: ServingState;
  let second: ServingState;
  beforeAll(async () => {
    const options = { url: redis.url ?? "", prefix: scope.prefix, now: () => time };
    [first, second] = await Promise.all([
      connectRedisServingState(options),
      connectRedisServingState(options),
    ]);
  });
  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
    await scope.clean();
  });

  const settings = (failureThreshold: number, cooldownMilliseconds: number) => ({
    failureThreshold,
    cooldownMilliseconds,
    trialLeaseMilliseconds: 30_000,
  });

  it("opens on one replica after failures counted on both, and refuses on the other", async () => {
    const a = first.circuit("opens", settings(3, 10_000));
    const b = second.circuit("opens", settings(3, 10_000));
    await a.record("failure");
    await b.record("failure");
    await a.record("neutral");
    expect(await b.state()).toBe("closed");
    expect((await b.tryAcquire()).permit?.trial).toBe(false);
    await a.record("failure");
    expect(await b.state()).toBe("open");
    expect(await b.allowsCall()).toBe(false);
    const refused = await b.tryAcquire();
    expect(refused.permit === undefined ? refused.retryAfterMilliseconds : -1).toBe(10_000);
    // A success in between resets the count, as in memory.
    const c = first.circuit("resets", settings(2, 10_000));
    await c.record("failure");
    await c.record("success");
    await c.record("failure");
    expect(await second.circuit("resets", settings(2, 10_000)).state()).toBe("closed");
  });

  it("after the cooldown lets exactly one trial through across replicas; its success closes the circuit", async () => {
    const a = first.circuit("trial", settings(1, 10_000));
    const b = second.circuit("trial", settings(1, 10_000));
    await a.record("failure");
    time += 6_000;
    const early = await b.tryAcquire();
    expect(early.permit === undefined ? early.retryAfterMilliseconds : -1).toBe(4_000);
    time += 4_000;
    expect(await a.state()).toBe("half-open");
    const admissions = await Promise.all([a.tryAcquire(), b.tryAcquire(), a.tryAcquire(), b.tryAcquire()]);
    expect(admissions.filter((admission) => admission.permit?.trial === true)).toHaveLength(1);
    expect(admissions.filter((admission) => admission.permit === undefined)).toHaveLength(3);
    expect(await b.allowsCall()).toBe(true);
    await b.record("success");
    await Promise.all(admissions.map((admission) => admission.permit?.release()));
    expect(await a.state()).toBe("closed");
    expect((await a.tryAcquire()).permit?.trial).toBe(false);
  });

  it("reopens for another cooldown when the trial fails; a released trial frees the slot; a lost one expires", async () => {
    const a = first.circuit("reopen", settings(5, 1_000));
    const b = second.circuit("reopen", settings(5, 1_000));
    for (let index = 0; index < 5; index += 1) await a.record("failure");
    time += 1_500;
    const trial = await a.tryAcquire();
    expect(trial.permit?.trial).toBe(true);
    await a.record("failure");
    await trial.permit?.release();
    expect(await b.state()).toBe("open");
    expect(await b.retryAfterMilliseconds()).toBe(1_000);
    // A trial that ends without an outcome frees the slot for the next request, on any replica.
    time += 1_000;
    const quiet = await a.tryAcquire();
    expect(quiet.permit?.trial).toBe(true);
    expect((await b.tryAcquire()).permit).toBeUndefined();
    await quiet.permit?.release();
    const next = await b.tryAcquire();
    expect(next.permit?.trial).toBe(true);
    // A replica that dies holding the trial: after its lease, another may probe.
    expect((await a.tryAcquire()).permit).toBeUndefined();
    time += 30_000;
    expect((await a.tryAcquire()).permit?.trial).toBe(true);
  });
});
