import { describe, expect, it } from "vitest";
import { AttemptTimeout } from "../../backends/openai-compatible/index.ts";
import { createBudget } from "../../budget/index.ts";
import { BackendCallError } from "../../errors/index.ts";
import { manualClock } from "../../runtime/index.ts";
import { isUpstreamTimeout } from "./upstream-timeout.ts";

describe("isUpstreamTimeout", () => {
  it("takes the HTTP backend's own timeouts of an attempt as the upstream's", () => {
    for (const kind of ["deadline", "stall", "first-token"] as const) {
      expect(isUpstreamTimeout(new AttemptTimeout(kind))).toBe(true);
    }
  });

  it("does not take the reason of a request's budget that ran out of time as the upstream's", () => {
    const budget = createBudget({ maxMilliseconds: 0 }, { clock: manualClock() });
    expect(budget.signal.aborted).toBe(true);
    expect((budget.signal.reason as Error).name).toBe("TimeoutError");
    expect(isUpstreamTimeout(budget.signal.reason)).toBe(false);
    budget.close();
  });

  it("does not take a caller's other aborts, or other errors, as the upstream's timeout", () => {
    expect(
      isUpstreamTimeout(new DOMException("The operation was aborted due to timeout", "TimeoutError")),
    ).toBe(false);
    expect(isUpstreamTimeout(new DOMException("the client disconnected", "AbortError"))).toBe(false);
    expect(isUpstreamTimeout(new BackendCallError("stall timeout", { isRetryable: true }))).toBe(false);
    expect(isUpstreamTimeout(new Error("cut by a token watcher"))).toBe(false);
    // A plain error that only reads like one is not the backend's.
    expect(isUpstreamTimeout(new Error("stall timeout"))).toBe(false);
    expect(isUpstreamTimeout("deadline timeout")).toBe(false);
    expect(isUpstreamTimeout(undefined)).toBe(false);
  });
});
