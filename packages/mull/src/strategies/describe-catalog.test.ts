import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { labOutcomeChecker, labProcessReward } from "../lab/index.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { strategyCatalog } from "./catalog.ts";
import { strategyCatalogHelp } from "./describe-catalog.ts";
import { findStrategyEntry, strategySpecForms } from "./find-strategy-entry.ts";
import { parseStrategySpec } from "./parse-strategy-spec.ts";
import { strategyTableDifferences } from "./readme-strategy-tables.test-support.ts";
import type { StrategyEntry } from "./strategy-entry.ts";

const readme = readFileSync(new URL("../../../../README.md", import.meta.url), "utf8");
const dependencies = {
  scorer: labOutcomeChecker(),
  prm: labProcessReward(),
  resolveModel: (name: string) => createScriptedBackend({ responses: ["#### 1"], model: name }),
  defaultRoute: ["small", "large"],
};

const values: Readonly<Record<string, number>> = {
  N: 24,
  M: 3,
  L: 2,
  I: 2,
  K: 5,
  B: 4,
  S: 9,
  W: 6,
  T: 40,
  E: 2,
  F: 12,
  H: 7,
};

/** A spec of a form with every capital letter replaced by an integer (0.25, no family's default, for the entry's decimal letters). */
function specOf(form: string, decimals: readonly string[] = []): string {
  return form.replace(/[A-Z]/g, (letter) => (decimals.includes(letter) ? "0.25" : String(values[letter])));
}

/** Routers get a route of two scripted models. */
const route = ":lab-small>lab-large";
const resolveModel = (name: string) => createScriptedBackend({ responses: ["#### 1"], model: name });

describe("the strategy catalog", () => {
  it("is what the README's strategy tables say, word for word", () => {
    // Each kind's table, under its heading: a failure names the rows to add, change or remove there.
    for (const kind of ["sampling", "search", "routing", "composition"] as const) {
      expect(strategyTableDifferences(readme, kind), kind).toEqual([]);
    }
  });

  it("lists every form once and names each in help", () => {
    expect(new Set(strategySpecForms).size).toBe(strategySpecForms.length);
    const help = strategyCatalogHelp();
    for (const entry of strategyCatalog) {
      expect(help).toContain(entry.forms.join(", "));
      expect(help).toContain(entry.summary);
    }
    expect(help).toMatch(/bon@N +best-of-N .*\(needs scorer\)/);
  });

  it("parses every form into a strategy of that family with a typed sample count", () => {
    // A family that reads its own specs (architectures) is tested with its own.
    for (const entry of strategyCatalog.filter((listed) => listed.resolve === undefined)) {
      for (const form of entry.forms) {
        const spec = specOf(form, entry.decimals);
        const match = findStrategyEntry(spec);
        expect(match?.entry, spec).toBe(entry);
        const routed = entry.needs.includes("models") ? route : "";
        const strategy = parseStrategySpec(spec + routed, { ...dependencies, resolveModel });
        expect(Number.isInteger(strategy.samples) && strategy.samples >= 1, spec).toBe(true);
        // The canonical name keeps the spec's integers (aliases such as maj@N are named by their family).
        const integers = spec.match(/\d+/g) ?? [];
        for (const integer of integers) expect(strategy.name, spec).toContain(integer);
      }
    }
  });

  it("names, for each adaptive entry, the fixed-budget strategy it wraps or spends less than", () => {
    const adaptive = strategyCatalog.filter((entry) => entry.counterpart !== undefined);
    expect(adaptive.length).toBeGreaterThan(0);
    let wrappers = 0;
    for (const entry of adaptive) {
      for (const form of entry.forms) {
        const spec = specOf(form, entry.decimals);
        const { values } = findStrategyEntry(spec)!;
        const counterpart = entry.counterpart!(values!);
        const strategy = parseStrategySpec(spec, dependencies);
        // A wrapper names what it wraps; the others cut or stop traces of their own.
        if (strategy.parameters.inner !== undefined) {
          expect(strategy.parameters.inner, spec).toBe(counterpart);
          wrappers += 1;
        }
        // The counterpart is a well-formed spec of another entry, which spends a fixed budget.
        const fixed = findStrategyEntry(counterpart);
        expect(fixed?.values, counterpart).toBeDefined();
        expect(fixed?.entry, counterpart).not.toBe(entry);
        expect(fixed?.entry.counterpart, counterpart).toBeUndefined();
        // The same number of samples, so the two sit at the same budget.
        expect(parseStrategySpec(counterpart, dependencies).samples, spec).toBe(strategy.samples);
      }
    }
    expect(wrappers).toBeGreaterThan(0);
    expect(findStrategyEntry("esc@16w4")!.entry.counterpart!({ N: 16, W: 4 })).toBe("sc@16");
    expect(findStrategyEntry("deepconf-online@8")!.entry.counterpart!({ N: 8 })).toBe("deepconf@8");
    expect(findStrategyEntry("probe@16k32m3")!.entry.counterpart!({ N: 16, K: 32, M: 3 })).toBe("sc@16");
    expect(findStrategyEntry("force@4x512")!.entry.counterpart!({ N: 4, T: 512 })).toBe("sc@4");
    expect(findStrategyEntry("force@512")!.entry.counterpart!({ T: 512 })).toBe("sc@1");
  });

  it("sizes strategies by the solutions they generate at once", () => {
    const samples = (spec: string) => parseStrategySpec(spec, dependencies).samples;
    expect(samples("greedy")).toBe(1);
    expect(samples("sc@12")).toBe(12);
    expect(samples("bon@5")).toBe(5);
    expect(samples("beam@16x4")).toBe(16);
    expect(samples("tot-bfs@4x3")).toBe(12);
    expect(samples("tot-dfs@4")).toBe(4);
    expect(samples("astar@6")).toBe(6);
    expect(samples("mcts@32")).toBe(32);
  });

  it("reads the integers of a form by letter", () => {
    expect(findStrategyEntry(" BEAM-LA2@16x4 ")).toMatchObject({
      form: "beam-laL@NxM",
      values: { L: 2, N: 16, M: 4 },
    });
    expect(findStrategyEntry("beam@16")).toMatchObject({ form: undefined, values: undefined });
    expect(findStrategyEntry("sc@0")).toMatchObject({ form: undefined });
    expect(findStrategyEntry("wander@4")).toBeUndefined();
  });
});

describe("strategyCatalogHelp", () => {
  it("lists routing entries last, under a Routing heading that says how to name their models", () => {
    const routing: StrategyEntry = {
      forms: ["route-test@N"],
      kind: "routing",
      summary: "a test router",
      needs: ["models", "scorer"],
      create: () => parseStrategySpec("greedy"),
    };
    const single = strategyCatalog.filter((entry) => entry.kind !== "routing");
    const help = strategyCatalogHelp([routing, ...single]).split("\n");
    const heading = help.findIndex((line) => line.startsWith("Routing ("));
    expect(heading).toBe(help.length - 2);
    expect(help[heading]).toContain("cascade@8:lab-small>lab-large");
    expect(help[heading]).toContain("--small-model NAME");
    expect(help.at(-1)).toMatch(/^ {2}route-test@N +a test router \(needs scorer\)$/);
    expect(strategyCatalogHelp(single)).not.toContain("Routing (");
  });
});
