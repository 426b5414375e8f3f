import { describe, expect, it } from "vitest";
import { BackendCallError, BudgetExhaustedError, CapabilityError } from "../errors/index.ts";
import type { Backend, BackendCapabilities } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { rejection } from "./rejection.test-support.ts";
import { requireCapability } from "./require-capability.ts";

/**
 * A backend that must ask its server its capabilities, as a cold HTTP backend does: it rejects with the
 * signal's reason when the signal aborted before the answer came, and with `failure` otherwise.
 */
function askingBackend(failure?: Error): Backend {
  const scripted = createScriptedBackend({ responses: ["unused"], capabilities: { logprobs: false } });
  return {
    ...scripted,
    capabilities: (options) =>
      new Promise<BackendCapabilities>((resolve, reject) => {
        const signal = options?.signal;
        if (signal?.aborted) return reject(signal.reason);
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
        setTimeout(() => (failure === undefined ? resolve(scripted.capabilities()) : reject(failure)), 20);
      }),
  };
}

describe("requireCapability", () => {
  it("returns the capabilities when the backend has the one asked for", async () => {
    const capabilities = await requireCapability(askingBackend(), "topLogprobs", "deepconf");
    expect(capabilities).toMatchObject({ topLogprobs: true, logprobs: false });
  });

  it("throws a CapabilityError naming the capability, who needs it and the backend when it is missing", async () => {
    const error = await rejection(requireCapability(askingBackend(), "logprobs", "deepconf@8"));
    expect(CapabilityError.isInstance(error)).toBe(true);
    expect((error as CapabilityError).capability).toBe("logprobs");
    expect((error as Error).message).toMatch(/deepconf@8 needs the backend capability "logprobs"/);
    expect((error as Error).message).toMatch(/scripted backend \(model scripted\)/);
  });

  it("turns a run's abort while the capabilities were asked into BudgetExhaustedError (abort)", async () => {
    const preaborted = await rejection(
      requireCapability(askingBackend(), "logprobs", "deepconf", { signal: AbortSignal.abort() }),
    );
    expect(BudgetExhaustedError.isInstance(preaborted) && preaborted.reason).toBe("abort");
    expect((preaborted as Error).message).toBe("the run was aborted before any answer was produced");
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("the caller gave up")), 5);
    const midway = await rejection(
      requireCapability(askingBackend(), "logprobs", "deepconf", { signal: controller.signal }),
    );
    expect(BudgetExhaustedError.isInstance(midway) && midway.reason).toBe("abort");
  });

  it("turns a deadline (a signal aborted with a TimeoutError) into BudgetExhaustedError (time)", async () => {
    const signal = AbortSignal.abort(new DOMException("the time limit of 5 ms passed", "TimeoutError"));
    const error = await rejection(requireCapability(askingBackend(), "logprobs", "deepconf", { signal }));
    expect(BudgetExhaustedError.isInstance(error) && error.reason).toBe("time");
    expect((error as Error).message).toBe("the time limit passed before any answer was produced");
  });

  it("lets the backend's own failure through while the run goes on", async () => {
    const failure = new BackendCallError(
      "probing capabilities: POST http://127.0.0.1:1/v1/chat/completions failed",
    );
    const error = await rejection(
      requireCapability(askingBackend(failure), "logprobs", "deepconf", {
        signal: new AbortController().signal,
      }),
    );
    expect(error).toBe(failure);
  });
});
