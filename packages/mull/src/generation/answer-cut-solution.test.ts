import { describe, expect, it } from "vitest";
import type { BudgetLimits, Prompt } from "../spec/index.ts";
import { createScriptedBackend, testStrategyContext } from "../testing/index.ts";
import { answerCutSolution } from "./answer-cut-solution.ts";

const promptText = "Q: 412+307-95=? A:";
const prompt: Prompt = { kind: "text", text: promptText };
const cue = "\n#### ";
// A character a token, as the lab models write: the answer line is its last 9.
const trace = "\n412+307=719\n719-95=624\n#### 624";

/**
 * Writes `trace` a character a token, on from whatever of it the prompt holds (after the `before` that
 * `continued` puts first); off the trace, after a second cue, it answers `62`.
 */
function characterTrace(before = "") {
  const start = promptText.length + before.length;
  return createScriptedBackend({
    respond: (request) => {
      const written = request.prompt.kind === "text" ? request.prompt.text.slice(start) : "";
      const text = trace.startsWith(written) ? trace.slice(written.length) : "62";
      return { text, tokens: [...text].map((token) => ({ token, logprob: -0.1 })) };
    },
  });
}

/** A backend that sends its answer, `reasoning`, as reasoning only, with no text. */
function answeringInReasoning(reasoning: string) {
  const backend = createScriptedBackend({
    respond: () => ({ text: "", tokens: [] }),
  });
  return {
    ...backend,
    async generate(...call: Parameters<typeof backend.generate>) {
      const result = await backend.generate(...call);
      const completions = result.completions.map((completion) => ({ ...completion, reasoning }));
      return { ...result, completions };
    },
  };
}

async function answered(
  written: string,
  extra: { readonly answerFrom?: number; readonly before?: string; readonly limits?: BudgetLimits } = {},
) {
  const backend = characterTrace(extra.before);
  const context = testStrategyContext({ backend, limits: extra.limits });
  const before = extra.before;
  const result = await answerCutSolution({
    context,
    prompt,
    written,
    answerFrom: extra.answerFrom,
    cue,
    maxTokens: 8,
    requiredBy: "probe@1k8",
    ...(before === undefined ? {} : { continued: (text: string) => before + text }),
  });
  const prompts = backend.calls.map((call) =>
    call.request.prompt.kind === "text" ? call.request.prompt.text : "",
  );
  return { backend, context, prompts, result };
}

describe("answerCutSolution", () => {
  it("takes an answer line a line break ended as the answer, with no call and no tokens", async () => {
    const { backend, result } = await answered(`${trace}\nQ: 5+5=?`);
    expect(backend.calls).toHaveLength(0);
    // The solution ends at its answer line, as one a call answered does: what followed is no part of it.
    expect(result).toEqual({
      answered: { solution: trace, answer: "624", call: undefined },
      stoppedBy: "complete",
      usage: { promptTokens: 0, completionTokens: 0, calls: 0 },
    });
  });

  it("ends a kept answer line's solution at that line, after an answer line before answerFrom", async () => {
    const before = "\n#### 7\nWait";
    const { backend, result } = await answered(`${before}${trace}\nQ: 5+5=?\n##`, {
      answerFrom: before.length,
    });
    expect(backend.calls).toHaveLength(0);
    expect(result.answered).toEqual({ solution: `${before}${trace}`, answer: "624", call: undefined });
  });

  it("continues an answer line the cut left open, greedily, reading the answer from the cue on", async () => {
    const { backend, prompts, result } = await answered(trace.slice(0, 31));
    expect(prompts).toEqual([`${promptText}\n412+307=719\n719-95=624\n#### 62`]);
    expect(backend.calls[0]?.request).toMatchObject({ temperature: 0, maxTokens: 8 });
    expect(result.answered).toMatchObject({
      solution: trace,
      answer: "624",
      call: { text: "4", tokenCount: 1 },
    });
    // A line that holds only the cue goes on too.
    const bare = await answered(trace.slice(0, 29));
    expect(bare.prompts).toEqual([`${promptText}${trace.slice(0, 29)}`]);
    expect(bare.result.answered).toMatchObject({ solution: trace, answer: "624" });
  });

  it("finishes a cue cut mid-way instead of appending a second one after its first characters", async () => {
    const { prompts, result } = await answered(trace.slice(0, 27));
    expect(trace.slice(0, 27).endsWith("\n###")).toBe(true);
    expect(prompts).toEqual([`${promptText}\n412+307=719\n719-95=624\n#### `]);
    expect(result.answered).toMatchObject({ solution: trace, answer: "624", call: { text: "624" } });
  });

  it("appends the cue where the solution wrote none, or a line the answer format reads nothing from", async () => {
    const { prompts, result } = await answered("\n412+307=719\n719-95");
    expect(prompts).toEqual([`${promptText}\n412+307=719\n719-95\n#### `]);
    expect(result.answered).toMatchObject({ solution: "\n412+307=719\n719-95\n#### 62", answer: "62" });
    const empty = await answered("\n#### \n719-95=624\n");
    expect(empty.prompts).toEqual([`${promptText}\n#### \n719-95=624\n#### `]);
  });

  it("reads no answer line before answerFrom", async () => {
    const written = `${trace}\nQ: 5+5=?\n`;
    const { prompts, result } = await answered(written, { answerFrom: trace.length });
    expect(prompts).toEqual([`${promptText}${trace}\nQ: 5+5=?\n#### `]);
    expect(result.answered?.answer).toBe("62");
  });

  it("sends what `continued` makes of the text, and keeps the solution the text alone", async () => {
    const before = "<think>so</think>";
    const { prompts, result } = await answered(trace.slice(0, 27), { before });
    expect(prompts).toEqual([`${promptText}${before}\n412+307=719\n719-95=624\n#### `]);
    expect(result.answered).toMatchObject({
      solution: trace,
      answer: "624",
      call: { solution: before + trace },
    });
  });

  it("takes an answer sent as reasoning only as the answer's text", async () => {
    const result = await answerCutSolution({
      context: testStrategyContext({ backend: answeringInReasoning("624") }),
      prompt,
      written: "\n719-95=624",
      cue,
      maxTokens: 8,
      requiredBy: "force@8",
    });
    expect(result.answered).toMatchObject({ solution: "\n719-95=624\n#### 624", answer: "624" });
  });

  it("reads an answer line's continuation sent as reasoning only on from what the line held", async () => {
    const result = await answerCutSolution({
      context: testStrategyContext({ backend: answeringInReasoning("4") }),
      prompt,
      written: "\n719-95=624\n#### 62",
      cue,
      maxTokens: 8,
      requiredBy: "probe@1k8",
    });
    // The line held "62" before the cut: the answer is "624", not the "4" the continuation wrote alone.
    expect(result.answered).toMatchObject({ solution: "\n719-95=624\n#### 624", answer: "624" });
  });

  it("gives no answer where the budget affords no call", async () => {
    const { backend, result } = await answered(trace.slice(0, 31), { limits: { maxCalls: 0 } });
    expect(backend.calls).toHaveLength(0);
    expect(result).toMatchObject({ answered: undefined, stoppedBy: "calls" });
  });
});
