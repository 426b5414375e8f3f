import { describe, expect, it } from "vitest";
import { CapabilityError } from "../errors/index.ts";
import { solve } from "../solve.ts";
import type { Candidate, TokenLogprob } from "../spec/index.ts";
import { createScriptedBackend, type ScriptedCompletion } from "../testing/scripted-backend.ts";
import { testStrategyContext } from "../testing/test-strategy-context.ts";
import { findStrategyEntry } from "./find-strategy-entry.ts";
import { parseStrategySpec } from "./parse-strategy-spec.ts";
import { stabilityVoting } from "./stability-voting.ts";
import { withEarlyStop } from "./with-early-stop.ts";

/** Top alternatives of a steady position, (0.9, 0.1): entropy h ≈ 0.325. */
const steady = { A: 0.9, B: 0.1 };
/** A flat position over four alternatives none of the steady ones share: entropy ln 4. */
const flat = { C: 0.25, D: 0.25, E: 0.25, F: 0.25 };
/** Two disjoint alternatives: after a steady position, JSD ln 2 plus entropy ln 2. */
const spike = { G: 0.5, H: 0.5 };
const h = -(0.9 * Math.log(0.9) + 0.1 * Math.log(0.1));

/** A completion whose words are its tokens, each with the top alternatives given for its position. */
function trace(text: string, positions: readonly Readonly<Record<string, number>>[]): ScriptedCompletion {
  const words = text.match(/\s*\S+/g)!;
  expect(words).toHaveLength(positions.length);
  const tokens: TokenLogprob[] = words.map((token, index) => {
    const alternatives = Object.entries(positions[index]!);
    return {
      token,
      logprob: Math.log(alternatives[0]![1]),
      topLogprobs: alternatives.map(([alternative, probability]) => ({
        token: alternative,
        logprob: Math.log(probability),
      })),
    };
  });
  return { text, tokens };
}

describe("stabilityVoting", () => {
  it("weighs each trace by exp(−peak instability), so steadier minorities can outvote", async () => {
    // The 7 is steady throughout: peak h. Each 8 is flat at its first position: peak ln 4, weight 1/4.
    const responses = [
      trace("so #### 7", [steady, steady, steady]),
      trace("so #### 8", [flat, steady, steady]),
      trace("so #### 8", [flat, steady, steady]),
    ];
    const backend = createScriptedBackend({ responses });
    const result = await solve({ problem: "q", strategy: "stability@3", backend });
    expect(backend.calls[0]!.request).toMatchObject({ n: 3, logprobs: true, topLogprobs: 20 });
    expect(result.strategy).toBe("stability@3");
    expect(result.answer).toBe("7");
    expect(result.votes!["7"]).toBeCloseTo(Math.exp(-h), 12);
    // The second 8's shift back to steady (JSD from the flat four to (0.9, 0.1): ln 2) plus h stays below ln 4.
    expect(result.votes!["8"]).toBeCloseTo(2 * 0.25, 12);
    expect(result.candidates[0]!.scores[0]).toMatchObject({ scorer: "stability", kind: "confidence" });
    const majority = await solve({
      problem: "q",
      strategy: "sc@3",
      backend: createScriptedBackend({ responses }),
    });
    expect(majority.answer).toBe("8");
  });

  it("with a threshold, cuts a trace that spikes late and keeps one that spikes as high early", async () => {
    const responses = [
      // Warm-up (2 of 4): 4 tokens each, so positions from token 2 on are late.
      trace("a b #### 5", [steady, steady, steady, steady]),
      trace("a b #### 7", [steady, steady, steady, steady]),
      // Spikes (index 2 ln 2 ≈ 1.386 > 1.2) at token 3: late, cut there, though its answer is written.
      trace("a b #### 5 end", [steady, steady, steady, spike, steady]),
      // The same spike at token 1: early, left alone; then a shift back (ln 2 + h ≈ 1.018), below 1.2.
      trace("a b #### 7", [steady, spike, steady, steady]),
    ];
    const backend = createScriptedBackend({ responses });
    const result = await solve({ problem: "q", strategy: "stability@4c1.2", backend });
    expect(result.strategy).toBe("stability@4c1.2");
    expect(backend.calls.map((call) => call.request.n)).toEqual([2, 2]);
    const [, , cut, early] = result.candidates;
    expect(cut).toMatchObject({ finishReason: "cut", completionTokens: 4, answer: "5" });
    expect(early).toMatchObject({ finishReason: "stop", completionTokens: 4, answer: "7" });
    // The cut 5 does not vote: 5 has exp(−h); 7 has exp(−h) and the early spike's exp(−2 ln 2) = 1/4.
    // Had the cut trace voted (weight 1/4 as well), the 5 would tie and, appearing first, win.
    expect(result.votes!["5"]).toBeCloseTo(Math.exp(-h), 12);
    expect(result.votes!["7"]).toBeCloseTo(Math.exp(-h) + 0.25, 12);
    expect(result.answer).toBe("7");
    const notes = result.trace.flatMap((event) => (event.type === "note" ? [event.message] : []));
    expect(notes).toEqual([
      "stability@4c1.2: 1 of 4 traces cut at instability above 1.2 past 0.5 of the warm-up's mean length; a cut trace does not vote",
    ]);
  });

  it("asks no more top alternatives than the backend gives", async () => {
    const backend = createScriptedBackend({
      responses: [trace("so #### 7", [steady, steady, steady])],
      capabilities: { maxTopLogprobs: 5 },
    });
    const result = await solve({ problem: "q", strategy: "stability@2", backend });
    expect(backend.calls.map((call) => call.request.topLogprobs)).toEqual([5]);
    expect(result.answer).toBe("7");
  });

  it("rounds the late position to the nearest token: half of a 5-token mean is late from token 3", async () => {
    const responses = [
      // Warm-up (2 of 4): 5 tokens each, so 0.5 × 5 = 2.5 rounds to 3.
      trace("a b c #### 5", [steady, steady, steady, steady, steady]),
      trace("a b c #### 5", [steady, steady, steady, steady, steady]),
      // Spikes (ln 2 + ln 2 ≈ 1.386 > 1.2) at token 2, still early: left alone.
      trace("a b #### 7", [steady, steady, spike, steady]),
      trace("a b #### 7", [steady, steady, steady, steady]),
    ];
    const backend = createScriptedBackend({ responses });
    const result = await solve({ problem: "q", strategy: "stability@4c1.2", backend });
    expect(result.candidates.map((candidate) => candidate.finishReason)).toEqual([
      "stop",
      "stop",
      "stop",
      "stop",
    ]);
    expect(result.candidates[2]).toMatchObject({ answer: "7", completionTokens: 4 });
  });

  it("draws nothing after the warm-up when the budget stopped it", async () => {
    // Three warm-up traces (12 / 4): one goes first with all 24 tokens, then two share the 20 left, 10
    // each; the 12-token one runs into its share and is cut by the budget.
    const responses = [
      trace("a b #### 5", [steady, steady, steady, steady]),
      trace("#### 5", [steady, steady]),
      trace("a b c d e f g h i j #### 9", Array(12).fill(steady)),
      trace("#### 7", [steady, steady]),
    ];
    const backend = createScriptedBackend({ responses });
    const result = await solve({
      problem: "q",
      strategy: "stability@12c1.2",
      backend,
      budget: { maxCompletionTokens: 24 },
    });
    expect(backend.calls.map((call) => call.request.n)).toEqual([1, 2]);
    expect(result).toMatchObject({ stoppedBy: "completion-tokens", partial: true, answer: "5" });
    expect(result.candidates.map((candidate) => candidate.answer)).toEqual(["5", "5"]);
  });

  it("says what it cut once per run, with the total, when a wrapper draws it in rounds", async () => {
    // Each round of two: a steady warm-up trace of 4 tokens, then one that spikes late and is cut.
    const round = [
      trace("a b #### 5", [steady, steady, steady, steady]),
      trace("a b #### 5 end", [steady, steady, steady, spike, steady]),
    ];
    const backend = createScriptedBackend({ responses: [...round, ...round] });
    const inner = stabilityVoting({ n: 4, threshold: 1.2, warmup: 1 });
    const result = await solve({ problem: "q", strategy: withEarlyStop(inner, { rounds: 2 }), backend });
    expect(backend.calls.map((call) => call.request.n)).toEqual([1, 1, 1, 1]);
    expect(result.candidates.map((candidate) => candidate.finishReason)).toEqual([
      "stop",
      "cut",
      "stop",
      "cut",
    ]);
    const notes = result.trace.flatMap((event) => (event.type === "note" ? [event.message] : []));
    expect(notes).toEqual([
      "stability@4c1.2: 2 of 4 traces cut at instability above 1.2 past 0.5 of the warm-up's mean length; a cut trace does not vote",
    ]);
  });

  it("draws a round smaller than its warm-up in full, all warm-up, when a wrapper draws it in rounds", async () => {
    // warmup 3 over rounds of two: each round is all warm-up, so the late spike is not cut.
    const round = [
      trace("a b #### 5", [steady, steady, steady, steady]),
      trace("a b #### 5 end", [steady, steady, steady, spike, steady]),
    ];
    const backend = createScriptedBackend({ responses: [...round, ...round] });
    const inner = stabilityVoting({ n: 4, threshold: 1.2, warmup: 3 });
    const result = await solve({ problem: "q", strategy: withEarlyStop(inner, { rounds: 2 }), backend });
    expect(result.candidates.map((candidate) => candidate.finishReason)).toEqual([
      "stop",
      "stop",
      "stop",
      "stop",
    ]);
    expect(result.answer).toBe("5");
  });

  it("needs log-probabilities, and a token watcher only to cut", async () => {
    const blind = createScriptedBackend({ responses: ["#### 1"], capabilities: { watchTokens: false } });
    await expect(solve({ problem: "q", strategy: "stability@4c2", backend: blind })).rejects.toSatisfy(
      (error) => CapabilityError.isInstance(error) && error.capability === "watchTokens",
    );
    expect((await solve({ problem: "q", strategy: "stability@4", backend: blind })).answer).toBe("1");
    const noLogprobs = createScriptedBackend({ responses: ["#### 1"], capabilities: { logprobs: false } });
    await expect(solve({ problem: "q", strategy: "stability@4", backend: noLogprobs })).rejects.toSatisfy(
      (error) => CapabilityError.isInstance(error) && error.capability === "logprobs",
    );
  });

  it("leaves cut traces out of its vote, also when no trace has a stability score", () => {
    const context = testStrategyContext();
    const unscored = (id: string, answer: string, finishReason: Candidate["finishReason"]): Candidate => ({
      id,
      text: `#### ${answer}`,
      answer,
      finishReason,
      completionTokens: 2,
      scores: [],
    });
    const candidates = [unscored("a", "5", "cut"), unscored("b", "5", "cut"), unscored("c", "7", "stop")];
    const strategy = stabilityVoting({ n: 3 });
    const result = strategy.select(candidates, context);
    expect(result.answer).toBe("7");
    expect(result.tally).toEqual({ "7": 1 });
    // The selection says nothing itself: its note is the strategy's, said once by its run.
    expect(context.tracer.events().some((event) => event.type === "note")).toBe(false);
    expect(strategy.selectionNote?.(candidates)).toBe(
      "stability@3: no trace had a stability score; falling back to a majority vote",
    );
    // A scored trace that was cut does not vote, so it does not keep the fallback from being said.
    const cutScored: Candidate = {
      ...candidates[0]!,
      scores: [{ scorer: "stability", kind: "confidence", value: 1 }],
    };
    expect(strategy.selectionNote?.([cutScored, candidates[2]!])).toBe(
      "stability@3: no trace had a stability score; falling back to a majority vote",
    );
    const scored = { ...candidates[2]!, scores: cutScored.scores };
    expect(strategy.selectionNote?.([candidates[0]!, scored])).toBeUndefined();
  });

  it("is the catalog's stability@N and stability@NcT, beside sc@N", () => {
    expect(parseStrategySpec("stability@8")).toMatchObject({
      name: "stability@8",
      samples: 8,
      parameters: { n: 8, topLogprobs: 20 },
    });
    expect(parseStrategySpec("Stability@8c2.5")).toMatchObject({
      name: "stability@8c2.5",
      samples: 8,
      parameters: { n: 8, topLogprobs: 20, threshold: 2.5, warmup: 2, lateFraction: 0.5 },
    });
    expect(parseStrategySpec("stability@8").parameters).not.toHaveProperty("threshold");
    const match = findStrategyEntry("stability@8c2.5")!;
    expect(match.values).toEqual({ N: 8, T: 2.5 });
    expect(match.entry.counterpart!(match.values!)).toBe("sc@8");
    expect(() => parseStrategySpec("stability@8c0")).toThrow(/T = 0 in stability@NcT/);
  });

  it("refuses options out of range, naming the field", () => {
    expect(() => stabilityVoting({ n: 0 })).toThrow(/stabilityVoting: n must be an integer ≥ 1, got 0/);
    expect(() => stabilityVoting({ n: 4, topLogprobs: 1 })).toThrow(/topLogprobs/);
    expect(() => stabilityVoting({ n: 4, threshold: 1, warmup: 5 })).toThrow(/warmup/);
    expect(() => stabilityVoting({ n: 4, threshold: 1, lateFraction: 2 })).toThrow(/lateFraction/);
  });
});
