import { describe, expect, it } from "vitest";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import { processRewardScorer } from "./process-reward-scorer.ts";

describe("processRewardScorer", () => {
  it("names its options object and its process reward model when called from plain JavaScript without them", () => {
    const untyped = processRewardScorer as (...given: unknown[]) => unknown;
    const nothing = thrownConfigError(() => untyped());
    expect(nothing.message).toBe("processRewardScorer: expected an options object { prm, … }; got undefined");
    expect(nothing.field).toBe("options");
    const malformed = thrownConfigError(() => untyped({}));
    expect(malformed.message).toBe(
      "processRewardScorer: prm: missing; expected a process reward model (an object with a score method)",
    );
    expect(malformed.field).toBe("prm");
  });
});
