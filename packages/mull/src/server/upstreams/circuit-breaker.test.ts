import { describe, expect, it } from "vitest";
import { manualClock } from "../../runtime/index.ts";
import { circuitVerdict, createCircuitBreaker } from "./circuit-breaker.ts";

function setup(failureThreshold = 3, cooldownMilliseconds = 10_000) {
  const clock = manualClock(1_000);
  const breaker = createCircuitBreaker({ failureThreshold, cooldownMilliseconds, clock });
  return { clock, breaker };
}

describe("circuitVerdict", () => {
  it.each([
    ["200", "success"],
    ["204", "success"],
    ["304", "success"],
    ["500", "failure"],
    ["503", "failure"],
    ["429", "failure"],
    ["408", "failure"],
    ["409", "failure"],
    ["network-error", "failure"],
    ["timeout", "failure"],
    ["400", "neutral"],
    ["401", "neutral"],
    ["404", "neutral"],
    ["422", "neutral"],
    ["aborted", "neutral"],
  ])("%s is a %s", (outcome, verdict) => {
    expect(circuitVerdict(outcome)).toBe(verdict);
  });
});

describe("createCircuitBreaker", () => {
  it("opens after the threshold of consecutive failures, not before", () => {
    const { breaker } = setup(3);
    breaker.record("failure");
    breaker.record("failure");
    expect(breaker.state()).toBe("closed");
    expect(breaker.tryAcquire().permit).toBeDefined();
    breaker.record("failure");
    expect(breaker.state()).toBe("open");
    expect(breaker.allowsCall()).toBe(false);
    const admission = breaker.tryAcquire();
    expect(admission.permit).toBeUndefined();
    expect(admission.permit === undefined ? admission.retryAfterMilliseconds : -1).toBe(10_000);
  });

  it("counts only consecutive failures: a success resets the count", () => {
    const { breaker } = setup(3);
    breaker.record("failure");
    breaker.record("failure");
    breaker.record("success");
    breaker.record("failure");
    breaker.record("failure");
    expect(breaker.state()).toBe("closed");
    breaker.record("failure");
    expect(breaker.state()).toBe("open");
  });

  it("neither opens nor closes on the client's own errors", () => {
    const { breaker } = setup(2);
    breaker.record("failure");
    for (let index = 0; index < 10; index += 1) breaker.record(circuitVerdict("400"));
    expect(breaker.state()).toBe("closed");
    breaker.record("failure");
    expect(breaker.state()).toBe("open");
  });

  it("stays open for the cooldown, then lets exactly one trial request through", () => {
    const { clock, breaker } = setup(1, 10_000);
    breaker.record("failure");
    clock.advance(6_000);
    const refused = breaker.tryAcquire();
    expect(refused.permit).toBeUndefined();
    expect(refused.permit === undefined ? refused.retryAfterMilliseconds : -1).toBe(4_000);
    clock.advance(4_000);
    expect(breaker.state()).toBe("half-open");
    expect(breaker.retryAfterMilliseconds()).toBe(0);
    const trial = breaker.tryAcquire();
    expect(trial.permit?.trial).toBe(true);
    expect(breaker.allowsCall()).toBe(true);
    // While the trial runs, every other request is refused.
    expect(breaker.tryAcquire().permit).toBeUndefined();
    expect(breaker.tryAcquire().permit).toBeUndefined();
    expect(breaker.retryAfterMilliseconds()).toBeGreaterThan(0);
  });

  it("closes when the trial succeeds", () => {
    const { clock, breaker } = setup(1, 1_000);
    breaker.record("failure");
    clock.advance(1_000);
    const trial = breaker.tryAcquire();
    breaker.record("success");
    trial.permit?.release();
    expect(breaker.state()).toBe("closed");
    expect(breaker.tryAcquire().permit?.trial).toBe(false);
    // The failure count starts over.
    expect(breaker.state()).toBe("closed");
  });

  it("reopens for another whole cooldown when the trial fails", () => {
    const { clock, breaker } = setup(5, 1_000);
    for (let index = 0; index < 5; index += 1) breaker.record("failure");
    clock.advance(1_500);
    const trial = breaker.tryAcquire();
    expect(trial.permit?.trial).toBe(true);
    // One failure is enough in half-open, whatever the threshold.
    breaker.record("failure");
    trial.permit?.release();
    expect(breaker.state()).toBe("open");
    expect(breaker.retryAfterMilliseconds()).toBe(1_000);
    clock.advance(999);
    expect(breaker.tryAcquire().permit).toBeUndefined();
    clock.advance(1);
    expect(breaker.tryAcquire().permit?.trial).toBe(true);
  });

  it("frees the trial slot when the trial request ends without an outcome", () => {
    const { clock, breaker } = setup(1, 1_000);
    breaker.record("failure");
    clock.advance(1_000);
    const first = breaker.tryAcquire();
    expect(breaker.tryAcquire().permit).toBeUndefined();
    breaker.record(circuitVerdict("aborted"));
    first.permit?.release();
    expect(breaker.state()).toBe("half-open");
    const second = breaker.tryAcquire();
    expect(second.permit?.trial).toBe(true);
    // A second release of the old trial does not free the new one's slot.
    first.permit?.release();
    expect(breaker.tryAcquire().permit).toBeUndefined();
  });

  it("ignores outcomes recorded while open (calls that started before it opened)", () => {
    const { clock, breaker } = setup(1, 1_000);
    breaker.record("failure");
    breaker.record("success");
    expect(breaker.state()).toBe("open");
    clock.advance(1_000);
    expect(breaker.state()).toBe("half-open");
  });

  it("refuses settings that would never open or never close", () => {
    expect(() => createCircuitBreaker({ failureThreshold: 0, cooldownMilliseconds: 1 })).toThrow(
      /failureThreshold/,
    );
    expect(() => createCircuitBreaker({ failureThreshold: 1, cooldownMilliseconds: 0 })).toThrow(
      /cooldownMilliseconds/,
    );
  });
});
