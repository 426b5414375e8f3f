import { describe, expect, it } from "vitest";
import { liveOnlyHint } from "./live-only-hint.ts";

describe("liveOnlyHint", () => {
  it("says why each live-only kind cannot be replayed", () => {
    expect(liveOnlyHint("deepconf-online@8")).toContain("which needs live generation");
    expect(liveOnlyHint("force@2048")).toContain("budget forcing");
    expect(liveOnlyHint("force@4x2048")).toContain("budget forcing");
    expect(liveOnlyHint("extend@64w1")).toContain("while it is generated");
    expect(liveOnlyHint("mcts-rollout@16")).toBe(
      "mcts-rollout@… is a search that grows partial solutions step by step under a scorer, which needs live generation",
    );
    // A family that ends in a number before its `@` is the search it names.
    expect(liveOnlyHint("beam-la1@16x4")).toBe(
      "beam-la@… is a search that grows partial solutions step by step under a scorer, which needs live generation",
    );
    expect(liveOnlyHint("stability@8c0.5")).toContain("top-k token distributions");
    expect(liveOnlyHint("greedy")).toContain("temperature 0");
    expect(liveOnlyHint("asc(bon@8)")).toBe(
      "replay's asc stops only a majority vote (asc(sc@N)…, asc(maj@N)… and asc(rs@N)… are asc@N…); around bon@8 it needs a live run",
    );
  });

  it("gives no hint for a replay kind or an unknown one", () => {
    for (const spec of ["maj@8", "deepconf@8", "vote@3", "asc@8", "forced@8", "constructor@2"]) {
      expect(liveOnlyHint(spec), spec).toBeUndefined();
    }
  });
});
