import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import { solve } from "../solve.ts";
import type { RunStartEvent } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { adaptiveConsistency } from "./adaptive-consistency.ts";
import {
  answerLists,
  expectExactCharges,
  innerStrategies,
  outcome,
  solveFixed,
} from "./fixed-list-runs.test-support.ts";
import { selfConsistency } from "./self-consistency.ts";

describe("adaptiveConsistency", () => {
  it("with a threshold of 1 chooses what its inner strategy chooses, from the same candidates", async () => {
    const lists = answerLists(12, (draw) => 1 + Math.floor(draw() * 12));
    for (const answers of lists) {
      for (const inner of innerStrategies(answers.length)) {
        const fixed = await solveFixed(inner, answers);
        const adaptive = await solveFixed(adaptiveConsistency(inner, { threshold: 1 }), answers);
        expect(outcome(adaptive), `${inner.name} over ${answers.join()}`).toEqual(outcome(fixed));
        expect(adaptive).toMatchObject({ stoppedBy: "complete", partial: false });
      }
    }
  });

  it("stops a unanimous run after four samples (0.969 ≥ 0.95), a planned stop", async () => {
    const backend = createScriptedBackend({ responses: ["#### 7"] });
    const result = await solve({
      problem: "q",
      strategy: adaptiveConsistency(selfConsistency({ n: 16 })),
      backend,
    });
    expect(result).toMatchObject({
      strategy: "asc@16",
      answer: "7",
      votes: { "7": 4 },
      stoppedBy: "condition:adaptive-consistency",
      partial: false,
    });
    expect(result.candidates).toHaveLength(4);
    expect(backend.calls).toHaveLength(4);
    // One sample per round, each a nested run of the inner strategy.
    const runs = result.trace.filter((event): event is RunStartEvent => event.type === "run-start");
    expect(runs.map((event) => event.strategy)).toEqual(["asc@16", "sc@1", "sc@1", "sc@1", "sc@1"]);
  });

  it("keeps sampling while the vote is close", async () => {
    // 5 to 4 after nine samples, then the leader pulls away: 10 to 4 is 0.941, 11 to 4 is 0.962.
    const answers = ["1", "2", "1", "2", "1", "2", "1", "2", "1", "1", "1", "1", "1", "1"];
    const result = await solveFixed("asc@32", answers);
    expect(result.votes).toEqual({ "1": 11, "2": 4 });
    expect(result).toMatchObject({ answer: "1", stoppedBy: "condition:adaptive-consistency" });
  });

  it("with the Dirichlet posterior waits while rivals split the other votes (asc@Nd)", async () => {
    // Four rivals of one vote each: the Beta rule sees 6 to 1 (0.965) and stops after ten samples; the
    // Dirichlet posterior over all five answers waits for 8 votes (0.962; at 7, 0.933).
    const answers = ["1", "2", "1", "3", "1", "4", "1", "5", "1", "1", "1", "1", "1", "1", "1", "1"];
    const beta = await solveFixed("asc@32", answers);
    expect(beta.candidates).toHaveLength(10);
    const dirichlet = await solveFixed("asc@32d", answers);
    expect(dirichlet).toMatchObject({
      strategy: "asc@32d",
      answer: "1",
      votes: { "1": 8, "2": 1, "3": 1, "4": 1, "5": 1 },
      stoppedBy: "condition:adaptive-consistency",
    });
    expect(dirichlet.candidates).toHaveLength(12);
    // With two answers it stops where the Beta rule does.
    const two = ["1", "2", "1", "2", "1", "2", "1", "2", "1", "1", "1", "1", "1", "1"];
    expect((await solveFixed("asc@32d", two)).votes).toEqual((await solveFixed("asc@32", two)).votes);
    // At a threshold of 1 it is its inner strategy.
    const strict = adaptiveConsistency(selfConsistency({ n: 16 }), { threshold: 1, posterior: "dirichlet" });
    expect(strict).toMatchObject({
      name: "asc@16dt1",
      parameters: { inner: "sc@16", threshold: 1, posterior: "dirichlet" },
    });
    expect(outcome(await solveFixed(strict, answers))).toEqual(
      outcome(await solveFixed(selfConsistency({ n: 16 }), answers)),
    );
    expect(() => adaptiveConsistency(selfConsistency({ n: 4 }), { posterior: "uniform" as "beta" })).toThrow(
      'adaptiveConsistency: posterior must be "beta" or "dirichlet", got "uniform"',
    );
  });

  it("charges exactly the samples it drew, less than the fixed-N run when it stops early", async () => {
    const runs = await expectExactCharges("asc@16", "sc@16", { "3": 0.8, "4": 0.2 });
    for (const run of runs) expect(run.usage.calls).toBe(run.candidates.length);
  });

  it("wraps best-of-N and weighted voting, stopping on the answers they vote over", async () => {
    for (const inner of innerStrategies(8).slice(1)) {
      const strategy = adaptiveConsistency(inner);
      expect(strategy.name).toBe(`asc(${inner.name})`);
      expect(strategy.samples).toBe(8);
      const result = await solveFixed(strategy, ["2"]);
      expect(result).toMatchObject({ answer: "2", stoppedBy: "condition:adaptive-consistency" });
      expect(result.candidates.map((candidate) => candidate.scores.length)).toEqual([1, 1, 1, 1]);
    }
  });

  it("is named after its inner strategy and threshold, with its parameters", () => {
    const strategy = adaptiveConsistency(selfConsistency({ n: 16 }), { threshold: 0.99 });
    expect(strategy).toMatchObject({
      name: "asc@16t0.99",
      samples: 16,
      parameters: { inner: "sc@16", n: 16, threshold: 0.99 },
    });
    expect(adaptiveConsistency(innerStrategies(8)[1]!, { threshold: 0.9 }).name).toBe("asc(bon@8)t0.9");
  });

  it("refuses a threshold outside (0, 1], naming the field", () => {
    const error = (() => {
      try {
        adaptiveConsistency(selfConsistency({ n: 4 }), { threshold: 1.5 });
      } catch (caught) {
        return caught;
      }
    })();
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).field).toBe("threshold");
    expect((error as ConfigError).message).toBe(
      "adaptiveConsistency: threshold must be a number > 0 and ≤ 1, got 1.5",
    );
  });

  it("names itself and the inner strategy's samples when they are not a count", () => {
    const inner = { ...selfConsistency({ n: 4 }), samples: -3 };
    const error = thrownConfigError(() => adaptiveConsistency(inner));
    expect(error.message).toBe("adaptiveConsistency: inner.samples must be an integer ≥ 1, got -3");
    expect(error.field).toBe("inner.samples");
  });

  it("is the catalog's asc@N, a self-consistency of at most N samples", async () => {
    const result = await solveFixed("ASC@16", ["5"]);
    expect(result.strategy).toBe("asc@16");
    expect(result.votes).toEqual({ "5": 4 });
    const full = await solveFixed("asc@6", ["5", "6"]);
    expect(full).toMatchObject({ stoppedBy: "complete", votes: { "5": 3, "6": 3 }, answer: "5" });
    await expect(solveFixed("asc@16w4", ["5"])).rejects.toThrow(
      /malformed spec "asc@16w4"; expected asc@N, asc@Nd, asc@NtT, asc@NdtT /,
    );
  });
});
