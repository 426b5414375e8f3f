import { describe, expect, it } from "vitest";
import type { ServedModel } from "../upstreams/index.ts";
import { createRequestAcceptance } from "./request-acceptance.ts";
import type { RequestPlan } from "./request-plan.ts";

// Only the fields the acceptance reads: the strategy, and the kind of the served model's backend.
const planOf = (kind: ServedModel["kind"], strategy?: string): RequestPlan =>
  ({ strategy, served: { kind } }) as unknown as RequestPlan;

/** Whether `promise` has settled once pending callbacks and `milliseconds` have run. */
async function settledWithin(promise: Promise<void>, milliseconds: number): Promise<boolean> {
  let settled = false;
  void promise.then(() => {
    settled = true;
  });
  await new Promise((resolve) => setTimeout(resolve, milliseconds));
  return settled;
}

describe("createRequestAcceptance", () => {
  it("accepts a strategy's attempt at once", async () => {
    const acceptance = createRequestAcceptance(60_000);
    acceptance.attempt(planOf("openai-compatible", "sc@3"));
    expect(await settledWithin(acceptance.accepted, 0)).toBe(true);
  });

  it("holds an HTTP pass-through until its backend tells of the upstream's success status", async () => {
    const acceptance = createRequestAcceptance(10);
    acceptance.attempt(planOf("openai-compatible"));
    // No window: its retries may take seconds.
    expect(await settledWithin(acceptance.accepted, 50)).toBe(false);
    acceptance.accept();
    expect(await settledWithin(acceptance.accepted, 0)).toBe(true);
  });

  it("accepts a pass-through on a backend that calls no upstream after the window", async () => {
    const acceptance = createRequestAcceptance(20);
    acceptance.attempt(planOf("embedded"));
    expect(await settledWithin(acceptance.accepted, 0)).toBe(false);
    expect(await settledWithin(acceptance.accepted, 100)).toBe(true);
  });
});
