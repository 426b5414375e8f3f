import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { checkStrategySpecs, namingSpecFlag } from "./strategy-spec-flag.ts";
import { UsageError } from "./usage-error.ts";

/** The error `work` throws. */
function thrown(work: () => unknown): Error {
  try {
    work();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

describe("checkStrategySpecs", () => {
  it("passes catalog specs, architectures, routes and allocations, leaving what they need to the plan", () => {
    expect(() =>
      checkStrategySpecs(
        ["greedy", "SC@8", "gen@8+rank-lp@4+vote", "cascade@8:lab-small>lab-large", "cascade@8", "alloc@4"],
        "--strategies",
      ),
    ).not.toThrow();
    // A PRM, a scorer and the models a layer names are not at hand before anything loads.
    expect(() => checkStrategySpecs(["pf@8", "wv@4", "gen@4(lab-small)+vote"], "--strategies")).not.toThrow();
  });

  it("names the flag for an unknown spec, numbers out of range, and a layer no architecture has", () => {
    const unknown = thrown(() => checkStrategySpecs(["greedy", "scc@4"], "--strategies"));
    expect(unknown).toBeInstanceOf(UsageError);
    expect((unknown as UsageError).field).toBe("--strategies");
    expect(unknown.message).toMatch(/^--strategies: unknown spec "scc@4"; expected one of greedy, single, /);
    expect(thrown(() => checkStrategySpecs(["sc@0"], "--strategy")).message).toMatch(
      /^--strategy: "sc@0" gives N = 0/,
    );
    expect(thrown(() => checkStrategySpecs(["gen@8+foo"], "--strategies")).message).toMatch(
      /^--strategies: layer 2 is "foo"/,
    );
    expect(thrown(() => checkStrategySpecs(["asc@16t2"], "--strategies")).message).toBe(
      '--strategies: "asc@16t2": adaptiveConsistency: threshold must be a number from 0 to 1, got 2',
    );
  });
});

describe("namingSpecFlag", () => {
  it("renames a refused spec after the flag and lets other errors through unchanged", () => {
    const refused = thrown(() =>
      namingSpecFlag("--strategies", () => {
        throw new ConfigError('strategy: "asc@16t2": threshold must be at most 1', { field: "strategy" });
      }),
    );
    expect(refused.message).toBe('--strategies: "asc@16t2": threshold must be at most 1');
    expect((refused as UsageError).field).toBe("--strategies");
    const other = new ConfigError("dataset x has no problems to run", { field: "dataset" });
    expect(
      thrown(() =>
        namingSpecFlag("--strategies", () => {
          throw other;
        }),
      ),
    ).toBe(other);
    expect(namingSpecFlag("--strategies", () => 7)).toBe(7);
  });
});
