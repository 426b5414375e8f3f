import { describe, expect, it } from "vitest";
import type { BudgetLimits, Prompt, TokenPrice } from "../spec/index.ts";
import { createScriptedBackend, scriptedThinking, testStrategyContext } from "../testing/index.ts";
import { budgetForcedSolution } from "./budget-forced-solution.ts";

const prompt: Prompt = { kind: "text", text: "Q: What is three plus four? A:" };
const cues = { answerCue: "\nFinal answer: ", continueCue: "\nWait" };
const thinking = Array.from({ length: 60 }, (_, index) => `w${index}`).join(" ");

/** Thinks 60 word tokens unless made to answer, then answers `7`. */
function thinkingBackend() {
  return createScriptedBackend({
    respond: (request) =>
      request.prompt.kind === "text" && request.prompt.text.endsWith(cues.answerCue) ? "7" : thinking,
  });
}

async function forced(
  limits: BudgetLimits,
  answerTokens: number,
  price?: TokenPrice,
  maxThinkingTokens = 100,
) {
  const backend = thinkingBackend();
  const context = testStrategyContext({ backend, limits, price });
  const solution = await budgetForcedSolution({
    context,
    prompt,
    maxThinkingTokens,
    answerTokens,
    cues,
    requiredBy: "force@100",
  });
  return { backend, context, solution };
}

describe("budgetForcedSolution under a budget smaller than its thinking", () => {
  it("stops thinking where the budget keeps the answer's tokens free, then forces the answer within them", async () => {
    const { backend, context, solution } = await forced({ maxCompletionTokens: 30 }, 8);
    // 30 − 8 kept for the answer = 22 of the 100 asked.
    expect(backend.calls.map((call) => call.request.maxTokens)).toEqual([22, 8]);
    // The budget, not T, cut the thinking: the run is cut short by that limit.
    expect(solution).toMatchObject({
      forced: true,
      thinkingTokens: 22,
      stoppedBy: "completion-tokens",
      candidate: { answer: "7", completionTokens: 23 },
    });
    expect(context.budget.spent().usage.completionTokens).toBe(23);
  });

  it("forces the answer under a total-token limit too, the thinking lowered by the prompt and the answer's tokens", async () => {
    const { backend, context, solution } = await forced({ maxTotalTokens: 70 }, 32);
    // The 30-character prompt is estimated at 8 tokens, and the answer reads it and the thinking again:
    // (70 − 2 × 8 − 32) / 2 = 11 of the 100 asked.
    expect(backend.calls.map((call) => call.request.maxTokens)[0]).toBe(11);
    expect(solution).toMatchObject({
      forced: true,
      thinkingTokens: 11,
      stoppedBy: "tokens",
      candidate: { answer: "7" },
    });
    const spent = context.budget.spent().usage;
    expect((spent.promptTokens ?? 0) + (spent.completionTokens ?? 0)).toBeLessThanOrEqual(70);
  });

  it("names the limit that cut the thinking where several limit tokens", async () => {
    const cases: [BudgetLimits, TokenPrice | undefined, string][] = [
      [{ maxTotalTokens: 70, maxCompletionTokens: 1000 }, undefined, "tokens"],
      [{ maxCompletionTokens: 30, maxTotalTokens: 1000 }, undefined, "completion-tokens"],
      // A dollar a million tokens either way: 70 µ$ is 70 tokens, read or written.
      [
        { maxCostUsd: 70e-6, maxTotalTokens: 1000 },
        { promptUsdPerMillion: 1, completionUsdPerMillion: 1 },
        "cost",
      ],
    ];
    for (const [limits, price, limit] of cases) {
      const { solution } = await forced(limits, 8, price);
      expect(solution, limit).toMatchObject({ forced: true, stoppedBy: limit, candidate: { answer: "7" } });
    }
  });

  it("is complete where T, not the budget, cut the thinking", async () => {
    const { backend, solution } = await forced({ maxTotalTokens: 1000 }, 8, undefined, 12);
    expect(backend.calls.map((call) => call.request.maxTokens)).toEqual([12, 8]);
    expect(solution).toMatchObject({ forced: true, stoppedBy: "complete", candidate: { answer: "7" } });
  });
});

const labCues = { answerCue: "\n#### ", continueCue: "\n" };
const labPromptText = "Q: 412+307-95=? A:";
const labPrompt: Prompt = { kind: "text", text: labPromptText };
// 32 characters, a token each, as the lab models write: the answer line is its last 9.
const labTrace = "\n412+307=719\n719-95=624\n#### 624";

/**
 * Writes `trace` a character a token, on from whatever of it the prompt already holds; after an answer
 * cue appended off the trace it answers `62`, the first digits of the last number it saw.
 */
function characterTrace(trace: string) {
  return createScriptedBackend({
    respond: (request) => {
      const written = request.prompt.kind === "text" ? request.prompt.text.slice(labPromptText.length) : "";
      const text = trace.startsWith(written) ? trace.slice(written.length) : "62";
      return { text, tokens: [...text].map((token) => ({ token, logprob: -0.1 })) };
    },
  });
}

async function forcedOnTrace(trace: string, maxThinkingTokens: number) {
  const backend = characterTrace(trace);
  const context = testStrategyContext({ backend });
  const solution = await budgetForcedSolution({
    context,
    prompt: labPrompt,
    maxThinkingTokens,
    answerTokens: 8,
    cues: labCues,
    requiredBy: `force@${maxThinkingTokens}`,
  });
  const prompts = backend.calls.map((call) =>
    call.request.prompt.kind === "text" ? call.request.prompt.text : "",
  );
  return { backend, prompts, solution };
}

describe("budgetForcedSolution on a trace cut in its answer line", () => {
  it("continues an answer line the cut left open instead of appending a second cue", async () => {
    // Cut at 31 tokens on "…\n#### 62": a second cue would read "62" off it.
    const { backend, prompts, solution } = await forcedOnTrace(labTrace, 31);
    expect(prompts[1]).toBe(`${labPromptText}\n412+307=719\n719-95=624\n#### 62`);
    expect(backend.calls[1]?.request).toMatchObject({ temperature: 0, maxTokens: 8 });
    expect(solution).toMatchObject({
      forced: true,
      stoppedBy: "complete",
      candidate: { text: labTrace, answer: "624", completionTokens: 32, finishReason: "stop" },
    });
  });

  it("continues a line that holds only the cue, and finishes a cue cut mid-way rather than repeating it", async () => {
    const whole = await forcedOnTrace(labTrace, 29);
    expect(whole.prompts[1]).toBe(`${labPromptText}\n412+307=719\n719-95=624\n#### `);
    expect(whole.solution.candidate).toMatchObject({ text: labTrace, answer: "624" });
    // Cut on "…624\n##": the cue's first characters are replaced by the whole cue, not followed by it.
    const begun = await forcedOnTrace(labTrace, 26);
    expect(begun.prompts[1]).toBe(`${labPromptText}\n412+307=719\n719-95=624\n#### `);
    expect(begun.solution.candidate).toMatchObject({ text: labTrace, answer: "624" });
  });

  it("keeps an answer line a line break ended, with no call, as a solution that stopped at that line", async () => {
    // The model answered, then went on to a problem of its own; T cut that.
    const { backend, solution } = await forcedOnTrace(`${labTrace}\nQ: 5+5=?\n#### 10`, 35);
    expect(backend.calls).toHaveLength(1);
    // What it wrote after its answer line is no part of the solution, though its tokens were spent.
    expect(solution).toMatchObject({
      forced: true,
      stoppedBy: "complete",
      candidate: { answer: "624", completionTokens: 35, text: labTrace, finishReason: "stop" },
    });
  });

  it("reports a kept answer as one a call finished: the same finish reason and text", async () => {
    const continued = await forcedOnTrace(labTrace, 31);
    const kept = await forcedOnTrace(`${labTrace}\nQ: 5+5=?\n#### 10`, 35);
    expect(continued.backend.calls).toHaveLength(2);
    expect(kept.backend.calls).toHaveLength(1);
    expect(kept.solution.candidate?.finishReason).toBe(continued.solution.candidate?.finishReason);
    expect(kept.solution.candidate?.text).toBe(continued.solution.candidate?.text);
  });

  it("forces anew where the answer line holds nothing the answer format reads", async () => {
    const { prompts, solution } = await forcedOnTrace("\n412+307=719\n#### \n719-95=624\n", 25);
    expect(prompts[1]).toBe(`${labPromptText}\n412+307=719\n#### \n719-95\n#### `);
    expect(solution.candidate?.answer).toBe("62");
  });

  it("forces anew after a continue cue, as the answer before it was being thought over", async () => {
    const backend = createScriptedBackend({
      respond: scriptedThinking({
        prompt: labPrompt.text,
        traces: ["\na 412+307=719 719-95=624\n#### 624\nWait 719-95=614 and 614 is it"],
        answerCue: labCues.answerCue,
        continueCue: "\nWait",
        answer: () => "614",
      }),
    });
    const solution = await budgetForcedSolution({
      context: testStrategyContext({ backend }),
      prompt: labPrompt,
      maxThinkingTokens: 8,
      minThinkingTokens: 7,
      maxWaits: 1,
      answerTokens: 8,
      cues: { answerCue: labCues.answerCue, continueCue: "\nWait" },
      requiredBy: "force@8+extend7w1",
    });
    expect(backend.calls).toHaveLength(3);
    expect(solution).toMatchObject({ waits: 1, forced: true, candidate: { answer: "614" } });
  });
});
