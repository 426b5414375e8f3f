import { describe, expect, it } from "vitest";
import { promptCharacters } from "../generation/index.ts";
import { labProcessReward, labProfile } from "../lab/index.ts";
import { solve } from "../solve.ts";
import type { Backend } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { beamSearch } from "./beam-search.ts";
import { slipResponder } from "./slip-responder.test-support.ts";

// A lab model behind an HTTP server: its tokens are single characters, it refuses a prompt plus
// max_tokens over its 256-token window (as `mull serve` on the embedded lab does), and it answers several
// choices in one response, whose usage gives their tokens in sum only, or (`reported: false`) not at all.
const window = 256;

interface Asked {
  readonly promptTokens: number;
  readonly maxTokens: number;
}

function labServer(reported: boolean): { backend: Backend; asked: Asked[] } {
  const scripted = createScriptedBackend({ respond: slipResponder({ slip: 0 }) });
  const asked: Asked[] = [];
  const backend: Backend = {
    ...scripted,
    async generate(request, options) {
      const promptTokens = promptCharacters(request.prompt);
      const maxTokens = request.maxTokens ?? window;
      asked.push({ promptTokens, maxTokens });
      if (promptTokens + maxTokens > window) {
        throw new Error(
          `the prompt (${promptTokens} tokens) plus max_tokens (${maxTokens}) is ${promptTokens + maxTokens} tokens, over the context window of ${window} tokens`,
        );
      }
      const result = await scripted.generate(request, options);
      // Each choice's text and the newline that stopped it.
      const written = result.completions.reduce((sum, completion) => sum + completion.text.length + 1, 0);
      return {
        ...result,
        completions: result.completions.map((completion) => ({ ...completion, completionTokens: undefined })),
        usage: {
          ...result.usage,
          promptTokens: reported ? promptTokens : undefined,
          completionTokens: reported ? written : undefined,
        },
      };
    },
  };
  return { backend, asked };
}

const problem = { question: "539-467+192+679-89-336+144=?" };

describe("a step-level search whose steps' tokens are not reported one by one", () => {
  it("asks each step for what the solution limit leaves, reckoned from its text, within the window", async () => {
    const { backend, asked } = labServer(true);
    const result = await solve({
      problem,
      strategy: beamSearch({ n: 4, width: 2, prm: labProcessReward() }),
      backend,
      profile: labProfile(),
      seed: 1,
    });
    expect(result.answer).toBe("662");
    // Seven steps (six operations and the answer line), the first of one partial, then of two beams.
    expect(asked).toHaveLength(13);
    // Each step asks for the lab's 192 less what its path wrote: the path it reads grows as much as its
    // allowance shrinks, so the call stays at the first prompt's 35 tokens plus 192, inside the window.
    expect(asked[0]).toEqual({ promptTokens: 35, maxTokens: 192 });
    expect(asked[1]).toEqual({ promptTokens: 46, maxTokens: 181 });
    expect(asked.map((call) => call.promptTokens + call.maxTokens)).toEqual(asked.map(() => 35 + 192));
  });

  it("without any count, still asks no step for more than the solution limit", async () => {
    const { backend, asked } = labServer(false);
    await solve({
      problem: { question: "539-467=?" },
      strategy: beamSearch({ n: 4, width: 2, prm: labProcessReward() }),
      backend,
      profile: labProfile(),
      seed: 1,
    });
    // The second step, of each of two beams: the first's 10 characters and newline at 4 a token, 3 tokens.
    expect(asked.map((call) => call.maxTokens)).toEqual([192, 189, 189]);
  });

  it("ends a solution that answers within the reckoned limit as stopped, one cut before its answer as length", async () => {
    // Without counts, "539-467=72" and its newline reckon at 3 tokens, the answer line brings the path
    // to 5: the limit, reached by the step that answers.
    const answered = await solve({
      problem: { question: "539-467=?" },
      strategy: beamSearch({ n: 2, width: 1, prm: labProcessReward() }),
      backend: labServer(false).backend,
      profile: labProfile(),
      sampling: { maxTokens: 5 },
      seed: 1,
    });
    expect(answered.answer).toBe("72");
    expect(answered.candidates.length).toBeGreaterThan(0);
    for (const candidate of answered.candidates) {
      expect(candidate.text).toBe("\n539-467=72\n#### 72");
      expect(candidate.finishReason).toBe("stop");
    }
    // A second operation's line brings the path to the limit before any answer: cut off.
    const cut = await solve({
      problem: { question: "539-467+192=?" },
      strategy: beamSearch({ n: 2, width: 1, prm: labProcessReward() }),
      backend: labServer(false).backend,
      profile: labProfile(),
      sampling: { maxTokens: 5 },
      seed: 1,
    });
    expect(cut.candidates.length).toBeGreaterThan(0);
    for (const candidate of cut.candidates) {
      expect(candidate.text).toBe("\n539-467=72\n72+192=264");
      expect(candidate.finishReason).toBe("length");
    }
  });
});
