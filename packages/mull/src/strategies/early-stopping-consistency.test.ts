import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { solve } from "../solve.ts";
import type { RunStartEvent } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { earlyStoppingConsistency } from "./early-stopping-consistency.ts";
import {
  answerLists,
  expectExactCharges,
  innerStrategies,
  outcome,
  solveFixed,
} from "./fixed-list-runs.test-support.ts";
import { selfConsistency } from "./self-consistency.ts";

/** The answers with every complete window of `window` made not unanimous (its last answer changed to another). */
function neverUnanimous(answers: readonly (string | undefined)[], window: number): (string | undefined)[] {
  return answers.map((answer, index) => {
    const start = index - (index % window);
    const windowAnswers = answers.slice(start, start + window);
    const lastOfWindow = index === start + window - 1;
    const unanimous = windowAnswers.every((other) => other !== undefined && other === windowAnswers[0]);
    return lastOfWindow && unanimous ? String((Number(answer) + 1) % 3) : answer;
  });
}

describe("earlyStoppingConsistency", () => {
  it("with windows that are never unanimous chooses what its inner strategy chooses", async () => {
    const lists = answerLists(12, (draw) => 2 + Math.floor(draw() * 14));
    for (const [index, drawn] of lists.entries()) {
      const window = 2 + (index % 3);
      const answers = neverUnanimous(drawn, window);
      if (window > answers.length) continue;
      for (const inner of innerStrategies(answers.length)) {
        const fixed = await solveFixed(inner, answers);
        const early = await solveFixed(earlyStoppingConsistency(inner, { window }), answers);
        expect(outcome(early), `${inner.name} w${window} over ${answers.join()}`).toEqual(outcome(fixed));
        expect(early).toMatchObject({ stoppedBy: "complete", partial: false });
      }
    }
  });

  it("stops a unanimous run after its first window", async () => {
    const backend = createScriptedBackend({ responses: ["#### 7"] });
    const result = await solve({
      problem: "q",
      strategy: earlyStoppingConsistency(selfConsistency({ n: 16 }), { window: 8 }),
      backend,
    });
    expect(result).toMatchObject({
      strategy: "esc@16w8",
      answer: "7",
      stoppedBy: "condition:window-unanimous",
      partial: false,
    });
    expect(result.candidates).toHaveLength(8);
  });

  it("stops after the first unanimous window, voting over every window drawn", async () => {
    const answers = ["1", "2", "2", "3", "3", "3", "3", "3", "4", "4", "4", "4"];
    const result = await solveFixed("esc@12w4", answers);
    expect(result).toMatchObject({ answer: "3", votes: { "1": 1, "2": 2, "3": 5 } });
    expect(result.stoppedBy).toBe("condition:window-unanimous");
    const runs = result.trace.filter((event): event is RunStartEvent => event.type === "run-start");
    expect(runs.map((event) => event.strategy)).toEqual(["esc@12w4", "sc@4", "sc@4"]);
  });

  it("charges exactly the windows it drew, less than the fixed-N run when it stops early", async () => {
    const runs = await expectExactCharges("esc@16w4", "sc@16", { "3": 0.9, "4": 0.1 });
    for (const run of runs) expect(run.usage.calls).toBe(run.candidates.length / 4);
  });

  it("wraps best-of-N and weighted voting", async () => {
    for (const inner of innerStrategies(8).slice(1)) {
      const strategy = earlyStoppingConsistency(inner, { window: 2 });
      expect(strategy).toMatchObject({
        name: `esc(${inner.name})w2`,
        samples: 8,
        parameters: { inner: inner.name, window: 2 },
      });
      const result = await solveFixed(strategy, ["1", "2", "2", "2"]);
      expect(result).toMatchObject({ answer: "2", stoppedBy: "condition:window-unanimous" });
      expect(result.candidates.map((candidate) => candidate.scores.length)).toEqual([1, 1, 1, 1]);
    }
  });

  it("refuses a window larger than its samples, naming the field", () => {
    expect(() => earlyStoppingConsistency(selfConsistency({ n: 4 }), { window: 5 })).toThrow(
      "earlyStoppingConsistency: window must be an integer from 1 to 4, got 5",
    );
  });

  it("is the catalog's esc@NwW; a spec without its window is refused with the forms", async () => {
    const result = await solveFixed("esc@16w4", ["5"]);
    expect(result).toMatchObject({
      strategy: "esc@16w4",
      answer: "5",
      stoppedBy: "condition:window-unanimous",
    });
    expect(result.candidates).toHaveLength(4);
    const malformed = solveFixed("esc@16", ["5"]);
    await expect(malformed).rejects.toThrow(ConfigError);
    await expect(malformed).rejects.toThrow(
      /malformed spec "esc@16"; expected esc@NwW .*; all forms: .*asc@N, asc@Nd, asc@NtT, asc@NdtT, esc@NwW, /,
    );
  });
});
