import { describe, expect, it } from "vitest";
import { createInFlightLimiter } from "./in-flight-limiter.ts";

describe("createInFlightLimiter", () => {
  it("refuses a request beyond its limit, and takes one again once a slot is given back", () => {
    const limiter = createInFlightLimiter(2);
    expect([limiter.tryAcquire(), limiter.tryAcquire(), limiter.tryAcquire()]).toEqual([true, true, false]);
    expect(limiter.count()).toBe(2);
    limiter.release();
    expect(limiter.tryAcquire()).toBe(true);
    expect(limiter.tryAcquire()).toBe(false);
  });

  it("opens no extra slot when a slot is given back twice", () => {
    const limiter = createInFlightLimiter(1);
    expect(limiter.tryAcquire()).toBe(true);
    limiter.release();
    limiter.release();
    expect(limiter.count()).toBe(0);
    expect(limiter.tryAcquire()).toBe(true);
    expect(limiter.tryAcquire()).toBe(false);
  });

  it("resolves idle() once the last request in flight is given back", async () => {
    const limiter = createInFlightLimiter(2);
    limiter.tryAcquire();
    limiter.tryAcquire();
    let idle = false;
    const waiting = limiter.idle().then(() => {
      idle = true;
    });
    limiter.release();
    await Promise.resolve();
    expect(idle).toBe(false);
    limiter.release();
    await waiting;
    expect(idle).toBe(true);
  });
});
