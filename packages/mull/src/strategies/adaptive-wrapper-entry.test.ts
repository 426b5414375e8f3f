import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { labProcessReward } from "../lab/index.ts";
import { programmaticScorer } from "../scoring/index.ts";
import { solve } from "../solve.ts";
import type { RunStartEvent } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { adaptiveWrapperEntry, strategyCatalog } from "./catalog.ts";
import { findStrategyEntry } from "./find-strategy-entry.ts";
import { answerLists, outcome, solveFixed } from "./fixed-list-runs.test-support.ts";
import { parseStrategySpec } from "./parse-strategy-spec.ts";

/** Scores answer 2 highest, then 1, then anything else: best-of-N picks a 2 whenever one was drawn. */
const favourite = programmaticScorer({
  name: "favourite",
  check: (_task, candidate) => (candidate.answer === "2" ? 0.9 : candidate.answer === "1" ? 0.4 : 0.1),
});
const dependencies = { scorer: favourite, prm: labProcessReward() };

/** The ConfigError `parseStrategySpec` throws for `spec`. */
function refusal(spec: string): ConfigError {
  try {
    parseStrategySpec(spec, dependencies);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`${spec} parsed`);
}

describe("adaptive wrapper specs", () => {
  it("name the strategy they build by their canonical text", () => {
    const canonical = [
      "asc(bon@8)",
      "asc(bon@8)d",
      "asc(wv@16)t0.99",
      "asc(wv-prob@16)dt0.99",
      "asc(rs@4)t1",
      "esc(wv@16)w4",
      "esc(bon@8)w8",
      "asc(wv-mean-prob@4)",
      "asc(rpc@4)",
      "asc(deepconf@4)",
      "asc(certainty@4)d",
    ];
    for (const spec of canonical) {
      expect(parseStrategySpec(spec, dependencies).name).toBe(spec);
      expect(findStrategyEntry(spec)?.form).toBe(spec);
    }
    // Case, spaces and a default threshold are not part of the name; around sc@N it is the catalog's asc@N.
    const written: [string, string][] = [
      [" ASC( BON@8 ) ", "asc(bon@8)"],
      ["asc(bon@8)t0.950", "asc(bon@8)"],
      ["asc(wv@8)dt0.990", "asc(wv@8)dt0.99"],
      ["asc(maj@8)", "asc@8"],
      ["asc(sc@8)dt0.9", "asc@8dt0.9"],
      ["esc(maj@16)w4", "esc@16w4"],
    ];
    for (const [text, name] of written) {
      expect(parseStrategySpec(text, dependencies).name, text).toBe(name);
      expect(findStrategyEntry(text)?.form, text).toBe(name);
    }
  });

  it("need what their inner strategy needs, choose whole samples as it does and name it as counterpart", () => {
    const cases: [string, readonly string[], string][] = [
      ["asc(bon@8)", ["scorer"], "bon@8"],
      ["esc(wv@16)w4", ["scorer"], "wv@16"],
      ["asc(wv-prob@16)dt0.99", ["logprobs"], "wv-prob@16"],
      ["asc(maj@8)", [], "sc@8"],
    ];
    for (const [spec, needs, counterpart] of cases) {
      const { entry, values } = findStrategyEntry(spec)!;
      expect(entry.needs, spec).toEqual(needs);
      expect(entry.kind, spec).toBe("sampling");
      expect(entry.choosesWholeSamples, spec).toBe(true);
      expect(entry.counterpart?.(values!), spec).toBe(counterpart);
      const strategy = parseStrategySpec(spec, dependencies);
      expect(strategy.parameters.inner, spec).toBe(counterpart);
      expect(strategy.samples, spec).toBe(parseStrategySpec(counterpart, dependencies).samples);
    }
    expect(() => parseStrategySpec("asc(bon@8)")).toThrow(/"asc\(bon@8\)" needs an outcome scorer/);
    expect(() => parseStrategySpec("asc(bon@8):lab-large", dependencies)).toThrow(/only routing strategies/);
  });

  it("stop best-of-N early on a unanimous run, a sample per round", async () => {
    const backend = createScriptedBackend({ responses: ["#### 7"] });
    const result = await solve({
      problem: "q",
      strategy: parseStrategySpec("asc(bon@8)", dependencies),
      backend,
    });
    expect(result).toMatchObject({
      strategy: "asc(bon@8)",
      answer: "7",
      stoppedBy: "condition:adaptive-consistency",
      partial: false,
    });
    expect(result.candidates).toHaveLength(4);
    expect(backend.calls).toHaveLength(4);
    expect(result.candidates.every((candidate) => candidate.scores[0]?.value === 0.1)).toBe(true);
    const runs = result.trace.filter((event): event is RunStartEvent => event.type === "run-start");
    expect(runs.map((event) => event.strategy)).toEqual(["asc(bon@8)", "bon@1", "bon@1", "bon@1", "bon@1"]);
  });

  it("choose as best-of-N does over what they drew: by score, not by vote", async () => {
    const answers = ["2", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1"];
    const result = await solveFixed(parseStrategySpec("asc(bon@16)", dependencies), answers);
    expect(result.stoppedBy).toBe("condition:adaptive-consistency");
    expect(result.candidates.length).toBeLessThan(16);
    expect(result.candidates.filter((candidate) => candidate.answer === "1").length).toBeGreaterThan(3);
    // The lone 2 scores 0.9 against 0.4 for each 1.
    expect(result.answer).toBe("2");
  });

  it("with a stop threshold of 1 equal their fixed-N strategy: the same answer from the same candidates", async () => {
    const lists = answerLists(12, (draw) => 1 + Math.floor(draw() * 12));
    for (const answers of lists) {
      const n = answers.length;
      const fixed = await solveFixed(parseStrategySpec(`bon@${n}`, dependencies), answers);
      const adaptive = await solveFixed(parseStrategySpec(`asc(bon@${n})t1`, dependencies), answers);
      expect(outcome(adaptive), answers.join()).toEqual(outcome(fixed));
      expect(adaptive).toMatchObject({ strategy: `asc(bon@${n})t1`, stoppedBy: "complete", partial: false });
    }
  });

  it("stop a weighted vote after its first unanimous window (esc(wv@8)w4)", async () => {
    const strategy = parseStrategySpec("esc(wv@8)w4", dependencies);
    const unanimous = await solveFixed(strategy, ["1", "1", "1", "1", "2", "2", "2", "2"]);
    expect(unanimous).toMatchObject({
      strategy: "esc(wv@8)w4",
      answer: "1",
      stoppedBy: "condition:window-unanimous",
    });
    expect(unanimous.candidates).toHaveLength(4);
    // Windows never unanimous: all eight samples, weighed as wv@8 weighs them (two 2s outweigh three 1s).
    const split = ["1", "2", "1", "3", "2", "1", "3", "3"];
    const early = await solveFixed(strategy, split);
    const fixed = await solveFixed(parseStrategySpec("wv@8", dependencies), split);
    expect(early.stoppedBy).toBe("complete");
    expect(outcome(early)).toEqual(outcome(fixed));
    expect(early.answer).toBe("2");
  });

  it("refuse an inner strategy that does not draw whole samples, naming the spec and what INNER may be", () => {
    const refused: [string, RegExp][] = [
      ["asc(beam@4x2)", /"asc\(beam@4x2\)" wraps "beam@4x2", a step-level search/],
      ["asc(asc@8)", /"asc\(asc@8\)" wraps "asc@8", which is already adaptive/],
      ["esc(asc(bon@8))w2", /wraps "asc\(bon@8\)", which is already adaptive/],
      ["asc(mass@8)", /wraps "mass@8", which is already adaptive/],
      ["asc(greedy)", /wraps "greedy", which does not draw a fixed number of whole samples/],
      ["asc(cascade@8)", /wraps "cascade@8", a router/],
      ["asc(gen@4+vote)", /wraps "gen@4\+vote", an architecture/],
      ["asc(wander@4)", /wraps "wander@4", which is not a spec of the catalog/],
      ["asc(bon@0)", /wraps "bon@0", which is malformed or out of range \(expected bon@N\)/],
    ];
    for (const [spec, reason] of refused) {
      const error = refusal(spec);
      expect(error.field, spec).toBe("strategy");
      expect(error.message, spec).toMatch(reason);
      expect(error.message, spec).toContain("where INNER is one of sc@N, maj@N, rs@N, wv@N");
    }
  });

  it("refuse a malformed wrapper, naming the spec and the forms", () => {
    const malformed: [string, RegExp][] = [
      ["asc(bon@8", /"asc\(bon@8" is not a whole wrapper spec/],
      ["asc(bon@8)x", /"asc\(bon@8\)x" ends in "x" after asc\(INNER\)/],
      ["asc(bon@8)td", /ends in "td"/],
      ["esc(bon@8)", /"esc\(bon@8\)" gives no window after esc\(INNER\)/],
      ["esc(bon@8)w", /ends in "w" after esc\(INNER\)/],
    ];
    for (const [spec, reason] of malformed) {
      const error = refusal(spec);
      expect(error.field, spec).toBe("strategy");
      expect(error.message, spec).toMatch(reason);
      expect(error.message, spec).toContain(
        "expected asc(INNER), asc(INNER)d, asc(INNER)tT, asc(INNER)dtT, esc(INNER)wW",
      );
    }
    // A threshold takes the range asc@NtT gives it; a window beyond INNER's samples is the factory's.
    expect(refusal("asc(bon@8)t2").message).toBe(
      'strategy: "asc(bon@8)t2" gives T = 2 in asc(INNER)tT; expected a number above 0 and at most 1',
    );
    expect(refusal("esc(bon@8)w9").message).toBe(
      'strategy: "esc(bon@8)w9": earlyStoppingConsistency: window must be an integer from 1 to 8, got 9',
    );
  });

  it.each([
    ["asc(sc@8)t0", "asc@8t0", "T = 0 in asc(INNER)tT", "T = 0 in asc@NtT"],
    ["asc(sc@8)dt0", "asc@8dt0", "T = 0 in asc(INNER)dtT", "T = 0 in asc@NdtT"],
    ["asc(sc@8)t1.5", "asc@8t1.5", "T = 1.5 in asc(INNER)tT", "T = 1.5 in asc@NtT"],
    ["esc(sc@8)w0", "esc@8w0", "W = 0 in esc(INNER)wW", "W = 0 in esc@NwW"],
  ])("refuse %j with the range its plain form %j gives the number", (wrapped, plain, inWrapper, inPlain) => {
    const expected = (spec: string, number: string, range: string) =>
      `strategy: ${JSON.stringify(spec)} gives ${number}; expected ${range}`;
    const range = wrapped.startsWith("esc")
      ? "an integer from 1 to 100000"
      : "a number above 0 and at most 1";
    expect(refusal(plain).message).toBe(expected(plain, inPlain, range));
    expect(refusal(wrapped).message).toBe(expected(wrapped, inWrapper, range));
    // Found in the catalog, as surfaces look a spec up before anything loads, it is refused there too.
    expect(() => findStrategyEntry(wrapped)).toThrow(expected(wrapped, inWrapper, range));
  });

  it("wrap exactly the catalog's fixed-N whole-sample strategies", () => {
    const accepted = strategyCatalog.flatMap((entry) =>
      entry.resolve !== undefined
        ? []
        : entry.forms.filter((form) => {
            const inner = form.replace(/[A-Z]/g, (letter) => (letter === "T" ? "0.5" : "4"));
            try {
              return findStrategyEntry(`asc(${inner})`) !== undefined;
            } catch (error) {
              if (ConfigError.isInstance(error)) return false;
              throw error;
            }
          }),
    );
    expect(accepted).toEqual([
      "sc@N",
      "maj@N",
      "rs@N",
      "wv@N",
      "wv-prob@N",
      "wv-mean-prob@N",
      "rpc@N",
      "deepconf@N",
      "certainty@N",
      "bon@N",
    ]);
  });

  it("leave every other spec to the rest of the catalog", () => {
    for (const spec of ["sc@8", "asc@16", "esc@16w4", "gen@4+vote", "ascend(bon@8)", ""]) {
      expect(adaptiveWrapperEntry.resolve?.(spec, findStrategyEntry), spec).toBeUndefined();
    }
    expect(findStrategyEntry("asc@16")?.entry.forms[0]).toBe("asc@N");
    expect(() => adaptiveWrapperEntry.create({}, { ...dependencies, models: [] }, "asc(INNER)")).toThrow(
      /asc\(bon@8\)/,
    );
  });
});
