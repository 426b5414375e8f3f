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
      '--strategies: "asc@16t2" gives T = 2 in asc@NtT; expected a number above 0 and at most 1',
    );
  });

  it.each([
    ["cascade@8t2", '"cascade@8t2" gives T = 2 in cascade@NtT; expected a number above 0 and at most 1'],
    [
      "cascade@8t2:lab-small>lab-large",
      '"cascade@8t2:lab-small>lab-large" gives T = 2 in cascade@NtT; expected a number above 0 and at most 1',
    ],
    ["asc(sc@8)t0", '"asc(sc@8)t0" gives T = 0 in asc(INNER)tT; expected a number above 0 and at most 1'],
    [
      "bild@0.7x0.1:a>b>c",
      '"bild@0.7x0.1:a>b>c": bigLittleDecoder: models must be exactly two, the small model then the large one ' +
        "(lab-small>lab-large), got 3 (a>b>c); only a cascade routes through more models (cascade@8:a>b>c)",
    ],
    // A factory's refusal of a spec that needs a scorer, which is not at hand before anything loads.
    [
      "esc(bon@8)w16",
      '"esc(bon@8)w16": earlyStoppingConsistency: window must be an integer from 1 to 8, got 16',
    ],
    [
      "cascade@8:a>a",
      'the route "a>a" of "cascade@8" names "a" twice; expected a different model at each place of the route',
    ],
  ])("refuses %j, whose models and scorer are not loaded yet, as the run would refuse it", (spec, message) => {
    const refused = thrown(() => checkStrategySpecs(["greedy", spec], "--strategy"));
    expect(refused).toBeInstanceOf(UsageError);
    expect((refused as UsageError).field).toBe("--strategy");
    expect(refused.message).toBe(`--strategy: ${message}`);
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
