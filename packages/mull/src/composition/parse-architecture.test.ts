import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import { formatArchitecture, isArchitectureSpec, parseArchitecture } from "./parse-architecture.ts";

/** The message of the ConfigError a spec throws. */
function refusal(spec: string): string {
  try {
    parseArchitecture(spec);
  } catch (error) {
    expect(ConfigError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error(`${spec} was accepted`);
}

describe("parseArchitecture", () => {
  it("reads every layer form, with temperatures, thresholds and model names", () => {
    expect(
      parseArchitecture(
        "gen@8+gen@4t0.3(Qwen2.5-7B)+critique(judge-model)+fuse@4t1+verify@0.8+test+rank@3+rank-prm@2+rank-lp@1+first",
      ),
    ).toEqual([
      { kind: "generate", samples: 8 },
      { kind: "generate", samples: 4, temperature: 0.3, model: "Qwen2.5-7B" },
      { kind: "critique", model: "judge-model" },
      { kind: "fuse", samples: 4, temperature: 1 },
      { kind: "verify", threshold: 0.8 },
      { kind: "test", threshold: 0.5 },
      { kind: "rank", keep: 3, by: "scorer" },
      { kind: "rank", keep: 2, by: "prm" },
      { kind: "rank", keep: 1, by: "logprob" },
      { kind: "first" },
    ]);
  });

  it("reads layer words in any case and keeps a model's case, and formats the canonical spec back", () => {
    const layers = parseArchitecture(" GEN@4(Lab-Small) + Verify@0.5 + VOTE ");
    expect(layers).toEqual([
      { kind: "generate", samples: 4, model: "Lab-Small" },
      { kind: "verify", threshold: 0.5 },
      { kind: "vote" },
    ]);
    expect(formatArchitecture(layers)).toBe("gen@4(Lab-Small)+verify+vote");
    for (const spec of ["gen@8", "gen@8t0.7+fuse@2(big)+first", "gen@3+critique+fuse@2+test@0.9+rank-lp@1"]) {
      expect(formatArchitecture(parseArchitecture(spec))).toBe(spec);
    }
  });

  it("tells architectures from other specs by their first layer", () => {
    expect(isArchitectureSpec("gen@8+vote")).toBe(true);
    expect(isArchitectureSpec(" Gen@2")).toBe(true);
    expect(isArchitectureSpec("sc@8")).toBe(false);
    expect(isArchitectureSpec("cascade@8:lab-small>lab-large")).toBe(false);
  });

  it("refuses a malformed layer, naming it, its position and the forms", () => {
    const message = refusal("gen@8+rank@x+vote");
    expect(message).toContain('layer 2 is "rank@x"');
    expect(message).toContain('"gen@8+rank@x+vote"');
    expect(message).toContain("rank-prm@K");
    expect(refusal("gen@0")).toContain('layer 1 is "gen@0"');
    expect(refusal("gen@100001")).toContain("layer 1");
    expect(refusal("gen@4t2.5")).toContain('"gen@4t2.5"');
    expect(refusal("gen@4+test@1.5")).toContain('layer 2 is "test@1.5"');
    expect(refusal("gen@4+rank@2(big)")).toContain('layer 2 is "rank@2(big)"');
    expect(refusal("gen@4+verify@0.5t1")).toContain("layer 2");
    expect(refusal("gen@4()")).toContain("layer 1");
    expect(refusal("gen@4++vote")).toContain('layer 2 is ""');
  });

  it("refuses layers out of order: a first layer that does not generate, an answer before the end, a critique nothing reads", () => {
    expect(refusal("gen@4+vote+rank@1")).toContain(
      "layer 2 (vote) chooses the answer but is not the last layer",
    );
    expect(refusal("gen@4+critique+vote")).toContain("layer 2 (critique) has no fuse after it");
    // A spec that starts with another layer is no architecture for the catalog, but the parser still says why.
    expect(refusal("rank@2+gen@4")).toContain("layer 1 does not generate");
  });

  it("refuses a rank that keeps as many candidates as the layers before it make, or more", () => {
    const message = refusal("gen@4+rank-lp@8+vote");
    expect(message).toContain(
      "layer 2 (rank-lp@8) keeps 8 of 4 candidates; expected K below the 4 the layers before it make",
    );
    expect(message).toContain('"gen@4+rank-lp@8+vote"');
    // Generate layers add up; a rank keeping them all only reorders them.
    expect(refusal("gen@2+gen@2+rank-lp@5+vote")).toContain("layer 3 (rank-lp@5) keeps 5 of 4 candidates");
    expect(refusal("gen@2+gen@2+rank@4+first")).toContain("layer 3 (rank@4) keeps 4 of 4 candidates");
    // A fuse replaces the pool with its own; a rank leaves what it kept; verify and test keep at most the pool.
    expect(refusal("gen@8+fuse@2+rank@3+vote")).toContain("layer 3 (rank@3) keeps 3 of 2 candidates");
    expect(refusal("gen@8+rank@4+verify+rank-prm@4+first")).toContain(
      "layer 4 (rank-prm@4) keeps 4 of 4 candidates",
    );
    expect(refusal("gen@8+rank@2+gen@1+rank@3+vote")).toContain("layer 4 (rank@3) keeps 3 of 3 candidates");
    // Below the pool, each is accepted.
    for (const spec of [
      "gen@4+rank-lp@3+vote",
      "gen@2+gen@2+rank-lp@3+vote",
      "gen@8+fuse@2+rank@1+first",
      "gen@8+rank@4+verify+rank-prm@3+first",
      "gen@8+rank@2+gen@1+rank@2+vote",
      "gen@4+test+rank-prm@1+first",
    ]) {
      expect(formatArchitecture(parseArchitecture(spec))).toBe(spec);
    }
  });

  it("names a spec that is not text when called from plain JavaScript without them", () => {
    const untyped = parseArchitecture as (...given: unknown[]) => unknown;
    const nothing = thrownConfigError(() => untyped());
    expect(nothing.message).toBe(
      'parseArchitecture: text must be an architecture spec (a string such as "gen@8+vote"), got undefined',
    );
    expect(nothing.field).toBe("text");
    const malformed = thrownConfigError(() => untyped(["gen@8", "vote"]));
    expect(malformed.message).toBe(
      'parseArchitecture: text must be an architecture spec (a string such as "gen@8+vote"), got ["gen@8","vote"]',
    );
    expect(malformed.field).toBe("text");
  });
});
