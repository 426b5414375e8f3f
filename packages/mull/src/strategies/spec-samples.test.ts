import { describe, expect, it } from "vitest";
import { labProcessReward } from "../lab/index.ts";
import { programmaticScorer } from "../scoring/index.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { strategyCatalog } from "./catalog.ts";
import { parseStrategySpec } from "./parse-strategy-spec.ts";
import { specSamples } from "./spec-samples.ts";

/** The strategy a spec names, built with real dependencies, as a surface builds it. */
function built(spec: string) {
  return parseStrategySpec(spec, {
    scorer: programmaticScorer({ name: "checker", check: () => true }),
    prm: labProcessReward(),
    resolveModel: () => createScriptedBackend({ responses: ["#### 1"] }),
  });
}

/** Numbers for a form's letters: distinct, so a count that reads the wrong letter shows. */
const integers: Readonly<Record<string, string>> = { N: "12", M: "3", K: "5", B: "4", S: "7", I: "2" };

/** A spec of each catalog form, with a route for a routing form. */
function exampleSpec(form: string, decimals: readonly string[], routing: boolean): string {
  const spec = form.replace(/[A-Z]/g, (letter) =>
    decimals.includes(letter) ? "0.5" : (integers[letter] ?? "6"),
  );
  return routing ? `${spec}:small>large` : spec;
}

describe("specSamples", () => {
  it("counts what the factory of every catalog form draws", () => {
    const specs = strategyCatalog
      .filter((entry) => entry.resolve === undefined)
      .flatMap((entry) =>
        entry.forms.map((form) => exampleSpec(form, entry.decimals ?? [], entry.kind === "routing")),
      );
    expect(specs.length).toBeGreaterThan(50);
    for (const spec of specs) {
      expect([spec, specSamples(spec)]).toEqual([spec, built(spec).samples]);
    }
  });

  it("multiplies, takes the larger stage or draws one as the strategy does", () => {
    expect(specSamples("sc@16")).toBe(16);
    expect(specSamples(" MAJ@16 ")).toBe(16);
    expect(specSamples("esc@16w4")).toBe(16);
    expect(specSamples("tot-bfs@4x3")).toBe(12);
    // Particle Gibbs draws its 16 particles anew in each of its 3 sweeps.
    expect(specSamples("pg@16x3")).toBe(48);
    expect(specSamples("cascade@8x16:lab-small>lab-large")).toBe(16);
    expect(specSamples("bild@0.5:lab-small>lab-large")).toBe(1);
    expect(specSamples("greedy")).toBe(1);
    expect(specSamples("force@512")).toBe(1);
  });

  it("counts specs that need a scorer, a process reward model or models, without any", () => {
    expect(specSamples("bon@8")).toBe(8);
    expect(specSamples("accept@6t0.7")).toBe(6);
    expect(specSamples("pf@8")).toBe(8);
    // A routing spec without a route: the surface's default route decides the models, not the count.
    expect(specSamples("cascade@8")).toBe(8);
  });

  it("counts an architecture by its planned generations", () => {
    const spec = "gen@4(lab-small)+gen@4+verify+rank@2+fuse@1+vote";
    expect(specSamples(spec)).toBe(built(spec).samples);
    expect(specSamples(spec)).toBeGreaterThanOrEqual(8);
  });

  it("leaves specs it cannot build to the parser, with their real dependencies", () => {
    for (const spec of ["beamish", "beam@16", "sc@0", "sc@100001", "cascade@8:only-one", "sc@8:a>b"]) {
      expect([spec, specSamples(spec)]).toEqual([spec, undefined]);
    }
  });
});
