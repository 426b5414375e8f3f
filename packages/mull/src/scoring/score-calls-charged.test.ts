import { describe, expect, it } from "vitest";
import { scoreCallsCharged } from "./score-calls-charged.ts";

describe("scoreCallsCharged", () => {
  it("counts an invocation as one call at least, and as the calls reported when there were more", () => {
    expect(scoreCallsCharged(0)).toBe(1);
    expect(scoreCallsCharged(1)).toBe(1);
    expect(scoreCallsCharged(4)).toBe(4);
  });
});
