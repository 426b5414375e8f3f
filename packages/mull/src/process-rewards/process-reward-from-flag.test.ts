import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { labProblem, labProcessReward } from "../lab/index.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { processRewardFromFlag } from "./process-reward-from-flag.ts";
import { processRewardScorer } from "./process-reward-scorer.ts";

const problem = labProblem({ operands: [30, 444, 273], operators: ["+", "+"] });
const right = ["30+444=474", "474+273=747", "#### 747"];

describe("processRewardFromFlag", () => {
  it("builds each named PRM", async () => {
    const backend = createScriptedBackend({ responses: ["YES"] });
    expect(processRewardFromFlag("exact").name).toBe("lab-step-checker");
    const noisy = processRewardFromFlag(" noisy:0.1,0.25 ", { seed: 3 });
    expect(noisy.name).toBe("noisy(lab-step-checker,fp=0.1,fn=0.25)");
    expect(processRewardFromFlag("calibrated-noisy:0.2,0.2").name).toBe(
      "calibrated-noisy(lab-step-checker,fp=0.2,fn=0.2)",
    );
    expect(processRewardFromFlag("self", { backend }).name).toBe("self-logprob:scripted");
    expect(processRewardFromFlag("judge", { backend }).name).toBe("step-judge:scripted");
    expect(processRewardFromFlag("http://127.0.0.1:8000/v1", { model: "m" }).name).toBe("prm:m");
    const exact = await processRewardFromFlag("exact").score(problem, [right]);
    expect(exact.results[0]!.rewards).toEqual([1, 1, 1]);
  });

  it("rejects unknown forms, bad rates and model-based PRMs without a backend", () => {
    for (const bad of ["perfect", "noisy:0.1", "noisy:2,0", "noisy:a,b", ""]) {
      const error = (() => {
        try {
          processRewardFromFlag(bad);
        } catch (caught) {
          return caught;
        }
      })();
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).field).toBe("--prm");
    }
    expect(() => processRewardFromFlag("self")).toThrow(/backend/);
  });

  it("refuses the step checker forms when the problems have no step checker", () => {
    for (const flag of ["exact", "noisy:0.1,0.1", "calibrated-noisy:0.1,0.1", "noisy:2,0", "noisy:0.1"]) {
      expect(() => processRewardFromFlag(flag, { stepChecker: null })).toThrow(
        `--prm ${flag} checks the steps of lab arithmetic problems only; use --prm self, judge or a PRM URL`,
      );
    }
    expect(processRewardFromFlag("http://127.0.0.1:8000/v1", { stepChecker: null }).name).toBe(
      "prm:127.0.0.1:8000",
    );
  });

  it("names and perturbs the step checker the problems come with", () => {
    const checker = { ...labProcessReward(), name: "checker" };
    expect(processRewardFromFlag("exact", { stepChecker: checker })).toBe(checker);
    expect(processRewardFromFlag("noisy:0.1,0.2", { stepChecker: checker }).name).toBe(
      "noisy(checker,fp=0.1,fn=0.2)",
    );
    expect(processRewardFromFlag("calibrated-noisy:0.3,0", { stepChecker: checker }).name).toBe(
      "calibrated-noisy(checker,fp=0.3,fn=0)",
    );
  });
});

describe("processRewardScorer", () => {
  it("scores whole solutions by the aggregated step rewards", async () => {
    const scorer = processRewardScorer({ prm: processRewardFromFlag("exact"), aggregation: "mean" });
    const { scores } = await scorer.score(problem, [
      { text: "\n30+444=474\n474+273=747\n#### 747", answer: "747" },
      { text: "\n30+444=474\n474+273=737\n#### 737", answer: "737" },
      { text: "", answer: undefined },
    ]);
    expect(scores.map((score) => score.value)).toEqual([1, 1 / 3, 0]);
    expect(scores[1]).toMatchObject({ kind: "process", steps: [1, 0, 0], scorer: "lab-step-checker:mean" });
  });
});
