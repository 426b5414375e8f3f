import { describe, expect, it } from "vitest";
import { checkLabSteps, labProblem } from "../lab/index.ts";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import type { GenerationRequest } from "../spec/index.ts";
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
