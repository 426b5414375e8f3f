import { afterEach, describe, expect, it, vi } from "vitest";
import { endOnceSettled, settleAfterCancelMilliseconds } from "./end-once-settled.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("endOnceSettled", () => {
  it("ends once the work settles, and not again when the wait runs out", async () => {
    vi.useFakeTimers();
    let settle = () => {};
    const settled = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const end = vi.fn();
    endOnceSettled(settled, end);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(end).not.toHaveBeenCalled();
    settle();
    await vi.advanceTimersByTimeAsync(0);
    expect(end).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(settleAfterCancelMilliseconds);
    expect(end).toHaveBeenCalledTimes(1);
  });

  it("ends after the bounded wait when the work never settles", async () => {
    vi.useFakeTimers();
    const end = vi.fn();
    endOnceSettled(new Promise<never>(() => {}), end);
    await vi.advanceTimersByTimeAsync(settleAfterCancelMilliseconds - 1);
    expect(end).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(end).toHaveBeenCalledTimes(1);
  });

  it("ends on a failed work as on a finished one, after the wait it is given", async () => {
    vi.useFakeTimers();
    const end = vi.fn();
    const failed = Promise.reject(new Error("upstream gone"));
    failed.catch(() => {});
    endOnceSettled(failed, end, 50);
    await vi.advanceTimersByTimeAsync(0);
    expect(end).toHaveBeenCalledTimes(1);
  });
});
