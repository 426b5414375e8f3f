import { InvalidArgumentError } from "@commander-js/extra-typings";
import { describe, expect, it } from "vitest";
import { labOutcomeChecker } from "../lab/index.ts";
import { type StrategyEntry, strategyCatalog } from "../strategies/index.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import {
  outcomeScorerFlagHelp,
  outcomeScorerFlagHelpFor,
  outcomeScorerFromFlag,
  parseOutcomeScorerFlag,
} from "./outcome-scorer-flag.ts";

const backend = createScriptedBackend({ responses: ["Score: 9/10"] });
const sources = { labChecker: labOutcomeChecker(), backend, seed: 3, labOnly: "lab problems only" };

describe("outcomeScorerFlagHelp", () => {
  it("names the catalog's entries that need an outcome scorer, in catalog order", () => {
    expect(outcomeScorerFlagHelp).toMatch(
      /^outcome scorer for wv@N, bon@N and accept@N: lab \(the lab checker\)/,
    );
  });

  it("names a new entry that needs a scorer as soon as the catalog lists it", () => {
    const judged: StrategyEntry = {
      forms: ["judged@N"],
      kind: "sampling",
      summary: "the best-judged of N samples",
      needs: ["scorer"],
      create: () => {
        throw new Error("not built");
      },
    };
    expect(outcomeScorerFlagHelpFor([...strategyCatalog, judged])).toMatch(
      /^outcome scorer for wv@N, bon@N, accept@N and judged@N: /,
    );
    expect(outcomeScorerFlagHelpFor([judged])).toMatch(/^outcome scorer for judged@N: lab/);
    expect(outcomeScorerFlagHelpFor([])).toMatch(/^outcome scorer: lab/);
  });
});

describe("parseOutcomeScorerFlag", () => {
  it("takes lab, judge and noisy:FP,FN with rates from 0 to 1", () => {
    expect(parseOutcomeScorerFlag("lab")).toBe("lab");
    expect(parseOutcomeScorerFlag(" judge ")).toBe("judge");
    expect(parseOutcomeScorerFlag("noisy:0.1,0")).toBe("noisy:0.1,0");
  });

  it.each([
    "checker",
    "noisy:0.1",
    "noisy:1.5,0",
    "noisy:,0.1",
    "noisy:a,b",
  ])("refuses %j, naming it", (flag) => {
    expect(() => parseOutcomeScorerFlag(flag)).toThrow(InvalidArgumentError);
    expect(() => parseOutcomeScorerFlag(flag)).toThrow(`got "${flag}"`);
  });
});

describe("outcomeScorerFromFlag", () => {
  const problem = { question: "12+7=?", gold: "19" };
  const wrong = [{ text: "\n12+7=18\n#### 18", answer: "18" }];

  it("gives the lab checker by default and for lab, the judge for judge or without a checker", () => {
    expect(outcomeScorerFromFlag(undefined, sources).name).toBe("lab-checker");
    expect(outcomeScorerFromFlag("lab", sources).name).toBe("lab-checker");
    expect(outcomeScorerFromFlag("judge", sources).name).toMatch(/judge/);
    expect(outcomeScorerFromFlag(undefined, { ...sources, labChecker: undefined }).name).toMatch(/judge/);
  });

  it("makes noisy:FP,FN the lab checker with those rates: at FP 1 a wrong solution passes", async () => {
    const always = outcomeScorerFromFlag("noisy:1,0", sources);
    expect(always.name).toBe("noisy(lab-checker,fp=1,fn=0)");
    expect((await always.score(problem, wrong)).scores[0]?.value).toBe(1);
    const never = outcomeScorerFromFlag("noisy:0,0", sources);
    expect((await never.score(problem, wrong)).scores[0]?.value).toBe(0);
  });

  it("refuses lab and noisy without a lab checker, naming the flag", () => {
    const elsewhere = { ...sources, labChecker: undefined, labOnly: "lab datasets only, not gsm8k" };
    expect(() => outcomeScorerFromFlag("noisy:0.1,0.1", elsewhere)).toThrow(
      "--scorer noisy:0.1,0.1 checks lab datasets only, not gsm8k; use --scorer judge",
    );
    expect(() => outcomeScorerFromFlag("lab", elsewhere)).toThrow(/--scorer lab checks lab datasets only/);
  });
});
