import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { labProcessReward } from "../lab/index.ts";
import { programmaticScorer } from "../scoring/index.ts";
import { majorityVote } from "../selection/index.ts";
import { solve } from "../solve.ts";
import type { SamplingStrategy, Selector } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { adaptiveConsistency } from "./adaptive-consistency.ts";
import { wrappableEntries } from "./adaptive-wrapper-entry.ts";
import { strategyCatalog } from "./catalog.ts";
import { earlyStoppingConsistency } from "./early-stopping-consistency.ts";
import { findStrategyEntry } from "./find-strategy-entry.ts";
import { solution } from "./fixed-list-runs.test-support.ts";
import { parseStrategySpec } from "./parse-strategy-spec.ts";
import { sampleAndSelect } from "./sample-and-select.ts";
import type { StrategyEntry } from "./strategy-entry.ts";

/** Chooses the answer of the shortest solution that has one. */
const shortestSelect: Selector = (candidates, context) => {
  const answered = candidates.filter((candidate) => candidate.answer !== undefined);
  const shortest = answered.reduce<(typeof answered)[number] | undefined>(
    (best, candidate) => (best === undefined || candidate.text.length < best.text.length ? candidate : best),
    undefined,
  );
  return majorityVote()(shortest === undefined ? candidates : [shortest], context);
};

/** A contributor's fixed-N sampler: N samples, the shortest answered one wins. */
function shortestSample(options: { readonly n: number }): SamplingStrategy {
  const { n } = options;
  return {
    name: `shortest@${n}`,
    parameters: { n },
    samples: n,
    select: shortestSelect,
    withSamples: (samples) => shortestSample({ n: samples }),
    run: (problem, context) =>
      sampleAndSelect(problem, context, { n, temperature: undefined, select: shortestSelect }),
  };
}

/** `shortest@N` (alias `short@N`), declared as the catalog's own fixed-N samplers are. */
const shortestEntry: StrategyEntry = {
  forms: ["shortest@N", "short@N"],
  kind: "sampling",
  choosesWholeSamples: true,
  drawsWholeSamples: true,
  summary: "the shortest of N samples that has an answer",
  needs: [],
  create: ({ N }) => shortestSample({ n: N! }),
};

const catalog = [...strategyCatalog, shortestEntry];
const scorer = programmaticScorer({ name: "flat", check: () => 0.5 });
const dependencies = { scorer, prm: labProcessReward(), catalog };

/** The ConfigError `parseStrategySpec` throws for `spec`. */
function refusal(spec: string, options = dependencies): ConfigError {
  try {
    parseStrategySpec(spec, options);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`${spec} parsed`);
}

describe("adaptive wrappers around an entry of the caller's own catalog", () => {
  it("wrap a new entry that declares drawsWholeSamples, under its canonical form", () => {
    const written: [string, string][] = [
      ["asc(shortest@4)", "asc(shortest@4)"],
      ["ASC( short@4 )dt0.9", "asc(shortest@4)dt0.9"],
      ["esc(shortest@8)w4", "esc(shortest@8)w4"],
    ];
    for (const [text, name] of written) {
      expect(findStrategyEntry(text, { catalog })?.form, text).toBe(name);
      const strategy = parseStrategySpec(text, dependencies);
      expect(strategy.name, text).toBe(name);
      expect(strategy.parameters.inner, text).toBe(name.includes("@8") ? "shortest@8" : "shortest@4");
    }
    // Without the entry, the family is unknown.
    expect(refusal("asc(shortest@4)", { ...dependencies, catalog: [...strategyCatalog] }).message).toMatch(
      /wraps "shortest@4", which is not a spec of the catalog/,
    );
  });

  it("parse back the names the wrappers give it in code", () => {
    const inner = shortestSample({ n: 8 });
    const named = [adaptiveConsistency(inner).name, earlyStoppingConsistency(inner, { window: 2 }).name];
    expect(named).toEqual(["asc(shortest@8)", "esc(shortest@8)w2"]);
    for (const name of named) expect(parseStrategySpec(name, dependencies).name).toBe(name);
  });

  it("run it in rounds and stop early, choosing as it does", async () => {
    const backend = createScriptedBackend({ responses: [solution("7")] });
    const result = await solve({ problem: "q", strategy: "asc(shortest@8)", backend, catalog });
    expect(result).toMatchObject({
      strategy: "asc(shortest@8)",
      answer: "7",
      stoppedBy: "condition:adaptive-consistency",
    });
    expect(backend.calls).toHaveLength(4);
  });

  it("refuse an entry that does not declare drawsWholeSamples, saying how to declare it", () => {
    const undeclared: StrategyEntry = { ...shortestEntry, drawsWholeSamples: undefined };
    const error = refusal("asc(shortest@4)", { ...dependencies, catalog: [...strategyCatalog, undeclared] });
    expect(error.message).toMatch(
      /wraps "shortest@4", which does not draw a fixed number of whole samples that can be drawn in rounds \(its entry does not declare drawsWholeSamples: true\)/,
    );
    // The catalog's own entries are told apart by what they do, without the hint.
    expect(refusal("asc(greedy)").message).not.toMatch(/drawsWholeSamples/);
  });

  it("list the caller's catalog's wrappable entries as what INNER may be", () => {
    const listed =
      "where INNER is one of sc@N, maj@N, rs@N, wv@N, wv-prob@N, wv-mean-prob@N, rpc@N, deepconf@N, certainty@N, bon@N";
    for (const spec of ["asc(greedy)", "esc(shortest@4)", "asc(shortest@x)", "asc(nothing@4)"]) {
      expect(refusal(spec).message, spec).toContain(`${listed}, shortest@N, short@N`);
    }
    expect(refusal("asc(greedy)", { ...dependencies, catalog: [...strategyCatalog] }).message).toMatch(
      new RegExp(`${listed}$`),
    );
    // A lookup that cannot list its entries leaves the catalog the wrapper entry is listed in.
    const wrapper = strategyCatalog.find((entry) => entry.forms[0] === "asc(INNER)")!;
    const lookup = (spec: string) => findStrategyEntry(spec, { catalog });
    expect(() => wrapper.resolve?.("asc(greedy)", lookup)).toThrow(new RegExp(`${listed}$`));
  });

  it("refuse an entry that declares drawsWholeSamples but builds no select, before anything is drawn", async () => {
    const { select: _select, ...unselecting } = shortestSample({ n: 4 });
    const broken: StrategyEntry = { ...shortestEntry, create: () => unselecting };
    const backend = createScriptedBackend({ responses: [solution("7")] });
    const run = solve({
      problem: "q",
      strategy: "asc(shortest@4)",
      backend,
      catalog: [...strategyCatalog, broken],
    });
    await expect(run).rejects.toThrow(
      'strategy: "asc(shortest@4)" wraps "shortest@4", whose entry declares drawsWholeSamples but builds ' +
        '"shortest@4" without select; expected a SamplingStrategy (withSamples and select), which can be drawn in rounds',
    );
    expect(backend.calls).toHaveLength(0);
  });
});

describe("adaptive wrappers around the catalog's entries", () => {
  it("wrap exactly the entries that declare drawsWholeSamples, and list them in refusals", () => {
    const families = wrappableEntries(strategyCatalog).map((entry) => entry.forms[0]);
    expect(families).toEqual([
      "sc@N",
      "rs@N",
      "wv@N",
      "wv-prob@N",
      "wv-mean-prob@N",
      "rpc@N",
      "deepconf@N",
      "certainty@N",
      "bon@N",
    ]);
    expect(refusal("asc(greedy)").message).toContain(
      "where INNER is one of sc@N, maj@N, rs@N, wv@N, wv-prob@N, wv-mean-prob@N, rpc@N, deepconf@N, certainty@N, bon@N",
    );
  });

  it("give names that parse back to the same strategy, for every form and wrapper", () => {
    const inners = [...wrappableEntries(strategyCatalog), shortestEntry].flatMap((entry) =>
      entry.forms.map((form) => form.replace("N", "6")),
    );
    for (const inner of inners) {
      for (const wrapper of [`asc(${inner})`, `asc(${inner})dt0.9`, `esc(${inner})w3`]) {
        const { name } = parseStrategySpec(wrapper, dependencies);
        // Read back by the wrapper entry (`asc(bon@6)`), or by asc@N and esc@NwW around sc@N (`asc@6`).
        expect(findStrategyEntry(name, { catalog })?.values, wrapper).toBeDefined();
        expect(parseStrategySpec(name, dependencies).name, wrapper).toBe(name);
      }
    }
  });
});
