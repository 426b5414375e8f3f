import { describe, expect, it } from "vitest";
import { BackendCallError } from "../errors/index.ts";
import type { Backend } from "../spec/index.ts";
import { checkBackendUsage } from "./check-backend-usage.ts";

// Only `describe` is read: the calls it names are never made.
const backend: Backend = {
  describe: () => ({ kind: "mine", model: "m" }),
  capabilities: () => Promise.reject(new Error("not called")),
  generate: () => Promise.reject(new Error("not called")),
};

function refusal(usage: unknown): BackendCallError {
  try {
    checkBackendUsage(backend, usage);
  } catch (error) {
    if (BackendCallError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a BackendCallError");
}

describe("checkBackendUsage", () => {
  it("lets a usage that keeps the contract through", () => {
    expect(() =>
      checkBackendUsage(backend, { promptTokens: 4, completionTokens: undefined, calls: 1 }),
    ).not.toThrow();
  });

  it("refuses a usage without calls, naming the backend, rather than guessing a count", () => {
    const error = refusal({ promptTokens: 10, completionTokens: 5 });
    expect(error.message).toBe(
      "mine backend (model m) returned usage without calls: usage.calls must be an integer ≥ 0, got undefined",
    );
    expect(error.isRetryable).toBe(false);
  });

  it("refuses a count that no call can have", () => {
    expect(refusal({ promptTokens: 10, completionTokens: -5, calls: 1 }).message).toBe(
      "mine backend (model m) returned invalid usage: usage.completionTokens must be a number ≥ 0 or undefined (not reported), got -5",
    );
    expect(refusal({ promptTokens: 10, completionTokens: 5, calls: "1" }).message).toBe(
      'mine backend (model m) returned invalid usage: usage.calls must be an integer ≥ 0, got "1"',
    );
  });
});
