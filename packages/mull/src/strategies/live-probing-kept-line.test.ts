import { describe, expect, it } from "vitest";
import { solve } from "../solve.ts";
import type { Problem, ThinkingCues } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { liveProbing } from "./live-probing.ts";

const promptText = "Q: 412+307-95=? A:";
const problem: Problem = { question: "412+307-95=?", prompt: { kind: "text", text: promptText } };
const thinkingCues: ThinkingCues = { answerCue: "\n#### ", continueCue: "\n" };
// A character a token, as the lab models write; after its answer line the model goes on to a problem of
// its own.
const answered = "\n412+307=719\n719-95=624\n#### 624";
const trace = `${answered}\nQ: 5+5=?\n#### 10`;

/** Writes `trace` a character a token, on from whatever of it the prompt already holds. */
function characterTrace() {
  return createScriptedBackend({
    respond: (request) => {
      const written = request.prompt.kind === "text" ? request.prompt.text.slice(promptText.length) : "";
      const text = trace.startsWith(written) ? trace.slice(written.length) : "62";
      return { text, tokens: [...text].map((token) => ({ token, logprob: -0.1 })) };
    },
  });
}

describe("liveProbing on a chunk cut after the trace's own answer line", () => {
  it("takes that line as the probe, with no call, the trace's text ending at it", async () => {
    // Cut at 35 tokens on "…#### 624\nQ:": what followed the answer line is no part of the solution.
    const backend = characterTrace();
    const strategy = liveProbing({ n: 1, chunkTokens: 35, maxThinkingTokens: 35, answerTokens: 8 });
    const result = await solve({
      problem,
      thinkingCues,
      sampling: { temperature: 1 },
      seed: 5,
      strategy,
      backend,
    });
    expect(backend.calls).toHaveLength(1);
    expect(result.answer).toBe("624");
    expect(result.candidates[0]).toMatchObject({ text: answered, answer: "624", completionTokens: 35 });
  });
});
