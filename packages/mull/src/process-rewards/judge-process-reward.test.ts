import { describe, expect, it } from "vitest";
import { checkLabSteps, labProblem } from "../lab/index.ts";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import type { GenerationRequest, Problem, Prompt } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { judgeProcessReward } from "./judge-process-reward.ts";

const problem = labProblem({ operands: [30, 444, 273], operators: ["+", "+"] });

/** A judge that checks the new step exactly (from the lines of its prompt) and answers YES or NO. */
function exactJudge(request: GenerationRequest): string {
  const text = request.prompt.kind === "chat" ? request.prompt.messages.at(-1)!.content : request.prompt.text;
  const before = [...text.matchAll(/^\d+\. (.*)$/gm)].map((match) => match[1]!);
  const step = /New step:\n(.*)\n/.exec(text)![1]!;
  return checkLabSteps(problem, [...before, step]).at(-1) ? "The arithmetic holds. YES" : "NO";
}

describe("judgeProcessReward", () => {
  it("asks the judge about each step in its context and reads YES/NO verdicts", async () => {
    const backend = createScriptedBackend({ respond: exactJudge });
    const prm = judgeProcessReward({ backend });
    const result = await prm.score(problem, [
      ["30+444=474", "474+273=747", "#### 747"],
      ["30+444=464", "464+273=737"],
    ]);
    expect(result.results.map((entry) => entry.rewards)).toEqual([
      [1, 1, 1],
      [0, 0],
    ]);
    expect(result.calls).toBe(5);
    expect(backend.calls.every((call) => call.request.temperature === 0)).toBe(true);
    const first = backend.calls[0]!.request.prompt;
    expect(first.kind).toBe("chat");
  });

  it("judges a step once: prefixes already judged cost no call", async () => {
    const backend = createScriptedBackend({ respond: exactJudge });
    const prm = judgeProcessReward({ backend });
    await prm.score(problem, [["30+444=474"]]);
    const second = await prm.score(problem, [["30+444=474", "474+273=747"], ["30+444=474"]]);
    expect(second.results.map((entry) => entry.rewards)).toEqual([[1, 1], [1]]);
    expect(second.calls).toBe(1);
    expect(backend.calls).toHaveLength(2);
  });

  it("uses a text prompt on a backend without chat, and scores a reply without a verdict 0", async () => {
    const backend = createScriptedBackend({ responses: ["hmm"], capabilities: { chat: false } });
    const result = await judgeProcessReward({ backend }).score(problem, [["30+444=474"]]);
    expect(result.results[0]!.rewards).toEqual([0]);
    expect(backend.calls[0]!.request.prompt.kind).toBe("text");
  });

  it("names its options object and its backend when called from plain JavaScript without them", () => {
    const untyped = judgeProcessReward as (...given: unknown[]) => unknown;
    const nothing = thrownConfigError(() => untyped());
    expect(nothing.message).toBe(
      "judgeProcessReward: expected an options object { backend, … }; got undefined",
    );
    expect(nothing.field).toBe("options");
    const malformed = thrownConfigError(() => untyped({}));
    expect(malformed.message).toBe(
      "judgeProcessReward: backend: missing; expected a backend (an object with describe, capabilities and generate methods)",
    );
    expect(malformed.field).toBe("backend");
  });
});

describe("judgeProcessReward's worst case for one step", () => {
  /** A prompt's characters, and its messages (0 for a text prompt). */
  const sizeOf = (prompt: Prompt) =>
    prompt.kind === "text"
      ? { characters: prompt.text.length, messages: 0 }
      : {
          characters: prompt.messages.reduce((sum, message) => sum + message.content.length, 0),
          messages: prompt.messages.length,
        };

  for (const chat of [true, false]) {
    it(`covers the ${chat ? "chat" : "text"} prompt the judge is really sent, and its longest reply`, async () => {
      const backend = createScriptedBackend({ responses: ["YES"], capabilities: { chat } });
      const prm = judgeProcessReward({ backend, maxTokens: 100 });
      const steps = ["30+444=474", "474+273=747", "#### 747"];
      await prm.score(problem, [steps]);
      expect(backend.calls).toHaveLength(3);
      const request = {
        promptTokens: Math.ceil(problem.question.length / 4),
        pathTokens: Math.ceil(steps.join("").length / 4),
        pathSteps: steps.length,
        charactersPerToken: 4,
      };
      const worstCase = prm.worstCaseTokens?.(request) ?? 0;
      for (const sent of backend.calls) {
        const { characters, messages } = sizeOf(sent.request.prompt);
        // Its prompt at 4 characters a token with 8 tokens a message, and a reply of up to 100 tokens.
        expect(Math.ceil(characters / 4) + 8 * messages + 100).toBeLessThanOrEqual(worstCase);
      }
      // Not far above: the template's own text is all it adds beyond the problem, the path and the reply.
      expect(worstCase - request.promptTokens - request.pathTokens - 100).toBeLessThan(80);
    });
  }

  it("grows token for token with the prompt, the path and its own maxTokens, and with the path's steps", () => {
    const backend = createScriptedBackend({ responses: ["YES"] });
    const short = judgeProcessReward({ backend, maxTokens: 100 });
    const at = (promptTokens: number, pathTokens: number, pathSteps: number) =>
      short.worstCaseTokens?.({ promptTokens, pathTokens, pathSteps, charactersPerToken: 4 }) ?? Number.NaN;
    const base = at(0, 0, 1);
    expect(at(16, 48, 1)).toBe(base + 16 + 48);
    // The default reply is up to 256 tokens.
    const long = judgeProcessReward({ backend });
    expect(
      long.worstCaseTokens?.({ promptTokens: 0, pathTokens: 0, pathSteps: 1, charactersPerToken: 4 }),
    ).toBe(base + 156);
    // Each step before the judged one is numbered in the prompt ("12. "): 40 of them cost more than 1.
    expect(at(0, 0, 40)).toBeGreaterThan(base + 40);
    // Without a characters-per-token figure, the template's text counts a token per character.
    const unsized = short.worstCaseTokens?.({ promptTokens: 0, pathTokens: 0, pathSteps: 1 });
    expect(unsized).toBeGreaterThan(base + 100);
    expect(unsized).toBe(
      short.worstCaseTokens?.({ promptTokens: 0, pathTokens: 0, pathSteps: 1, charactersPerToken: 1 }),
    );
  });

  it("reckons a custom template by its own text", () => {
    const backend = createScriptedBackend({ responses: ["YES"] });
    const template = (given: Problem, steps: readonly string[], index: number): Prompt => ({
      kind: "text",
      text: `${"x".repeat(400)}${given.question}${steps.slice(0, index + 1).join("")}`,
    });
    const prm = judgeProcessReward({ backend, template, maxTokens: 10 });
    expect(
      prm.worstCaseTokens?.({ promptTokens: 5, pathTokens: 7, pathSteps: 3, charactersPerToken: 4 }),
    ).toBe(100 + 5 + 7 + 10);
  });

  it("refuses a characters-per-token figure, a step count or a maxTokens out of range, naming it", () => {
    const prm = judgeProcessReward({ backend: createScriptedBackend({ responses: ["YES"] }) });
    const perToken = thrownConfigError(() =>
      prm.worstCaseTokens?.({ promptTokens: 1, pathTokens: 1, pathSteps: 1, charactersPerToken: 0 }),
    );
    expect(perToken.message).toBe(
      "judgeProcessReward.worstCaseTokens: charactersPerToken must be a number > 0, got 0",
    );
    expect(perToken.field).toBe("charactersPerToken");
    const steps = thrownConfigError(() =>
      prm.worstCaseTokens?.({ promptTokens: 1, pathTokens: 1, pathSteps: 0 }),
    );
    expect(steps.message).toBe("judgeProcessReward.worstCaseTokens: pathSteps must be an integer ≥ 1, got 0");
    expect(steps.field).toBe("pathSteps");
    const reply = thrownConfigError(() =>
      judgeProcessReward({ backend: createScriptedBackend({ responses: ["YES"] }), maxTokens: 0 }),
    );
    expect(reply.message).toBe("judgeProcessReward: maxTokens must be an integer ≥ 1, got 0");
    expect(reply.field).toBe("maxTokens");
  });
});
