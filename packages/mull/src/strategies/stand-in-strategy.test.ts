import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { strategyCatalog } from "./catalog.ts";
import { twoAgree } from "./custom-entry.test-support.ts";
import { standInStrategy } from "./stand-in-strategy.ts";
import type { StrategyEntry } from "./strategy-entry.ts";

/** A spec of each catalog form, its decimals at 0.5 and its integers at 4, with a route for a routing form. */
function exampleSpecs(): string[] {
  return strategyCatalog
    .filter((entry) => entry.resolve === undefined)
    .flatMap((entry) =>
      entry.forms.map((form) => {
        const spec = form.replace(/[A-Z]/g, (letter) => (entry.decimals?.includes(letter) ? "0.5" : "4"));
        return entry.kind === "routing" ? `${spec}:small>large` : spec;
      }),
    );
}

describe("standInStrategy", () => {
  it("builds a spec of every catalog form with stand-ins for what it needs", () => {
    const specs = [...exampleSpecs(), "cascade@8", "asc(bon@8)t0.9", "gen@4(lab-small)+gen@4+verify+vote"];
    for (const spec of specs) expect([spec, standInStrategy(spec)?.name]).toEqual([spec, expect.any(String)]);
  });

  it.each([
    ["cascade@8t2", '"cascade@8t2" gives T = 2 in cascade@NtT; expected a number above 0 and at most 1'],
    ["asc(sc@8)t0", '"asc(sc@8)t0" gives T = 0 in asc(INNER)tT; expected a number above 0 and at most 1'],
    ["bild@0.5:a>b>c", '"bild@0.5:a>b>c": bigLittleDecoder: models must be exactly two'],
    [
      "esc(bon@8)w16",
      '"esc(bon@8)w16": earlyStoppingConsistency: window must be an integer from 1 to 8, got 16',
    ],
    ["cascade@8:only-one", 'the model route of "cascade@8" is "only-one"; expected two or more model names'],
  ])("refuses %j as parseStrategySpec would once its dependencies load", (spec, message) => {
    expect(() => standInStrategy(spec)).toThrow(ConfigError);
    expect(() => standInStrategy(spec)).toThrow(`strategy: ${message}`);
  });

  it("builds a routing spec without a route on two models, as every default route has", () => {
    expect(standInStrategy("cascade@8x16")?.samples).toBe(16);
    expect(standInStrategy("bild@0.5")?.parameters).toMatchObject({ small: "small", large: "large" });
  });
});

describe("standInStrategy with an entry whose factory calls what it needs while building", () => {
  const scoring: StrategyEntry = {
    forms: ["scoring@N"],
    kind: "sampling",
    summary: "names its strategy after its scorer",
    needs: ["scorer"],
    create: ({ N }, { scorer }) => {
      void scorer.score({} as never, {} as never);
      return twoAgree(N!);
    },
  };

  it("gives no strategy rather than a refusal, leaving the spec to its real dependencies", () => {
    expect(standInStrategy("scoring@4", { catalog: [scoring] })).toBeUndefined();
    // The spec itself is still checked.
    expect(() => standInStrategy("scoring@0", { catalog: [scoring] })).toThrow(
      'strategy: "scoring@0" gives N = 0 in scoring@N; expected an integer from 1 to 100000',
    );
  });
});
