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

describe("requiredPartHint", () => {
  it("names the part a kind needs, with the spec completed as an example, before the list of forms", () => {
    expect(refusal("esc@64")).toMatch(
      /^--strategies: "esc@64" is not a replay strategy; esc@<k> needs w<window> \(e\.g\. esc@64w8\); expected <kind>@<k>/,
    );
    expect(refusal("esc@4")).toContain("esc@<k> needs w<window> (e.g. esc@4w4)");
    expect(refusal("probe@64")).toContain("probe@<k> needs m<agreement> (e.g. probe@64m2);");
    expect(refusal("Probe-Asc@16t0.9")).toContain(
      "probe-asc@<k> needs m<agreement> (e.g. probe-asc@16m2t0.9);",
    );
    expect(refusal("pprobe@32q0.8")).toContain("pprobe@<k> needs s<rounds> (e.g. pprobe@32s3q0.8);");
    // Each example is itself a replay strategy.
    for (const example of ["esc@64w8", "esc@4w4", "probe@64m2", "probe-asc@16m2t0.9", "pprobe@32s3q0.8"]) {
      expect(parseReplayStrategy(example).name).toBe(example);
    }
  });

  it("gives no hint to a spec that the part alone would not mend", () => {
    expect(refusal("esc@64t0.9")).not.toContain("needs");
    expect(refusal("esc@64w8w8")).not.toContain("needs");
    expect(refusal("maj@8w2")).not.toContain("needs");
  });
});
