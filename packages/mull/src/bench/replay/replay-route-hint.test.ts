import { describe, expect, it } from "vitest";
import { parseReplayStrategy } from "./replay-strategy.ts";

/** The message `parseReplayStrategy` refuses `spec` with. */
function refusal(spec: string): string {
  try {
    parseReplayStrategy(spec);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${spec} was accepted`);
}

describe("replayRouteHint", () => {
  it("says to drop a live model route, before the list of forms", () => {
    const message = refusal("cascade@4x8:lab-v2-small>lab-v2-large");
    expect(message).toMatch(
      /^--strategies: "cascade@4x8:lab-v2-small>lab-v2-large" is not a replay strategy; replay takes its models from --run and --escalate-run: drop ":lab-v2-small>lab-v2-large" \(cascade@4x8\); expected <kind>@<k>/,
    );
    expect(refusal("Cascade-Mass@2x8g:Small>Large")).toContain('drop ":Small>Large" (Cascade-Mass@2x8g)');
    expect(refusal("maj@8:a>b")).toContain('drop ":a>b" (maj@8)');
    expect(refusal("cascade@4:lab-v2-large")).toContain('drop ":lab-v2-large" (cascade@4)');
  });

  it("gives no route hint where the text after the colon is no route or the spec before it is malformed", () => {
    expect(refusal("probe@64m3:t0.9")).not.toContain("drop");
    expect(refusal("cascade@4:t0.9")).not.toContain("drop");
    expect(refusal("maj@0x:a>b")).not.toContain("drop");
    expect(refusal("vote@8:a>b")).not.toContain("drop");
  });
});
