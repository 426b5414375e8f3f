import { describe, expect, it } from "vitest";
import { CapabilityError, ConfigError } from "../errors/index.ts";
import { manualClock } from "../runtime/index.ts";
import { solve } from "../solve.ts";
import type { Problem, ThinkingCues } from "../spec/index.ts";
import { createScriptedBackend, scriptedThinking } from "../testing/index.ts";
import { budgetForcing } from "./budget-forcing.ts";
import { parseStrategySpec } from "./parse-strategy-spec.ts";

const promptText = "Q: 12+30+5=? A:";
const problem: Problem = { question: "12+30+5=?", prompt: { kind: "text", text: promptText } };
const thinkingCues: ThinkingCues = { answerCue: "\n#### ", continueCue: "\nWait" };
// Five word tokens each; the second and third trace differ from the first in their answers.
const traces = [
  "\na 12+30=42 42+5=47 #### 47",
  "\nb 12+30=42 42+5=46 #### 46",
  "\nc 12+30=42 42+5=47 #### 47",
];

function backendFor(answer = "44", continueCue?: string) {
  return createScriptedBackend({
    respond: scriptedThinking({
      prompt: promptText,
      traces,
      answerCue: thinkingCues.answerCue,
      continueCue,
      answer: () => answer,
    }),
  });
}

describe("budgetForcing", () => {
  it("with T above every trace's length is a plain single sample: same answer, same text, same tokens", async () => {
    const settings = { problem, sampling: { temperature: 1 }, seed: 3, thinkingCues };
    const single = await solve({ ...settings, strategy: "single", backend: backendFor() });
    const backend = backendFor();
    const forced = await solve({ ...settings, strategy: "force@100", backend });
    expect(forced.strategy).toBe("force@100");
    expect(forced.answer).toBe("47");
    expect(forced.answer).toBe(single.answer);
    expect(forced.candidates.map((candidate) => candidate.text)).toEqual(
      single.candidates.map((candidate) => candidate.text),
    );
    expect(forced.usage).toEqual(single.usage);
    expect(forced.candidates[0]?.completionTokens).toBe(5);
    expect(backend.calls).toHaveLength(1);
    expect(forced.partial).toBe(false);
  });

  it("with a small T charges exactly T thinking tokens plus the answer's, and the answer call ends with the cue", async () => {
    const backend = backendFor("44");
    const result = await solve({ problem, strategy: "force@3", backend, thinkingCues, seed: 1 });
    expect(backend.calls).toHaveLength(2);
    const [thinking, answering] = backend.calls.map((call) => call.request);
    expect(thinking?.maxTokens).toBe(3);
    expect(answering?.prompt).toEqual({
      kind: "text",
      text: `${promptText}\na 12+30=42 42+5=47\n#### `,
    });
    expect(answering?.temperature).toBe(0);
    expect(answering?.maxTokens).toBe(32);
    expect(result.answer).toBe("44");
    expect(result.usage.completionTokens).toBe(3 + 1);
    expect(result.candidates[0]).toMatchObject({
      text: "\na 12+30=42 42+5=47\n#### 44",
      answer: "44",
      completionTokens: 4,
      thinkingTokens: 3,
    });
    // The answer hangs under the thinking it answers.
    const generations = result.trace.filter((event) => event.type === "generation");
    expect(generations.map((event) => event.parentId)).toEqual([result.trace[0]?.id, generations[0]?.id]);
    expect(generations[1]).toMatchObject({ answer: "44", completionTokens: 1 });
  });

  it("force@NxT forces N traces and takes their majority", async () => {
    const backend = createScriptedBackend({
      respond: scriptedThinking({
        prompt: promptText,
        traces,
        answerCue: thinkingCues.answerCue,
        // Each trace answers what its last step says, so two of three say 47.
        answer: (written) => written.split("=").at(-1) ?? "",
      }),
    });
    const result = await solve({ problem, strategy: "force@3x3", backend, thinkingCues, seed: 1 });
    expect(result.candidates.map((candidate) => candidate.answer)).toEqual(["47", "46", "47"]);
    expect(result.answer).toBe("47");
    expect(result.votes).toEqual({ "47": 2, "46": 1 });
    expect(result.usage.completionTokens).toBe(3 * (3 + 1));
  });

  it("past its deadline after the thinking, answers with what the thinking says, marked partial", async () => {
    const clock = manualClock();
    const backend = createScriptedBackend({
      respond: scriptedThinking({
        prompt: promptText,
        traces,
        answerCue: thinkingCues.answerCue,
        answer: () => "44",
      }),
      // The thinking call takes the whole second: no forced answer is asked for after it.
      onCall: () => clock.advance(1000),
    });
    const result = await solve({
      problem,
      strategy: "force@3",
      backend,
      thinkingCues,
      seed: 1,
      clock,
      budget: { maxMilliseconds: 1000 },
    });
    expect(backend.calls).toHaveLength(1);
    expect(result).toMatchObject({ stoppedBy: "time", partial: true });
    expect(result.candidates[0]).toMatchObject({ text: "\na 12+30=42 42+5=47", completionTokens: 3 });
    expect(result.usage.completionTokens).toBe(3);
    // Not the "44" a forced answer would have given: the answer its thinking reached, 42+5=47.
    expect(result.answer).toBe("47");
  });

  it("force@NxT past its deadline votes with the answers it forced and the thinking of the rest", async () => {
    const clock = manualClock();
    const backend = createScriptedBackend({
      respond: scriptedThinking({
        prompt: promptText,
        traces,
        answerCue: thinkingCues.answerCue,
        answer: () => "46",
      }),
      onCall: () => clock.advance(300),
    });
    const result = await solve({
      problem,
      strategy: "force@3x3",
      backend,
      thinkingCues,
      seed: 1,
      clock,
      budget: { maxMilliseconds: 1000 },
    });
    // The three thinking calls start at 0, 300 and 600 ms and the first forced answer at 900 ms; it is
    // still in flight at 1,200 ms when the deadline passes, so it is cut and not charged, and the other
    // two traces are not made to answer. Each trace answers what its thinking reached.
    expect(backend.calls).toHaveLength(4);
    expect(result).toMatchObject({ stoppedBy: "time", partial: true, answer: "47" });
    expect(result.candidates.map((candidate) => candidate.answer)).toEqual(["47", "46", "47"]);
    expect(result.votes).toEqual({ "47": 2, "46": 1 });
    expect(result.usage).toMatchObject({ completionTokens: 3 * 3, calls: 3 });
  });

  it("extend@MwE appends the continue cue to a trace that ends before M tokens, at most E times", async () => {
    const waiting = ["\na 12+30=42 #### 42\nWait 42+5=47 #### 47\nWait done #### 47"];
    const backend = () =>
      createScriptedBackend({
        respond: scriptedThinking({
          prompt: promptText,
          traces: waiting,
          answerCue: thinkingCues.answerCue,
          continueCue: thinkingCues.continueCue,
          answer: () => "0",
        }),
      });
    const plain = await solve({ problem, strategy: "single", backend: backend(), thinkingCues });
    expect(plain.answer).toBe("42");
    const once = backend();
    const extended = await solve({ problem, strategy: "extend@6w1", backend: once, thinkingCues });
    expect(once.calls).toHaveLength(2);
    expect(once.calls[1]?.request.prompt).toEqual({
      kind: "text",
      text: `${promptText}\na 12+30=42 #### 42\nWait`,
    });
    expect(extended.answer).toBe("47");
    expect(extended.usage.completionTokens).toBe(4 + 3);
    const twice = await solve({ problem, strategy: "extend@10w5", backend: backend(), thinkingCues });
    expect(twice.candidates[0]?.text).toBe(waiting[0]);
    expect(twice.usage.completionTokens).toBe(4 + 3 + 3);
    expect(twice.usage.calls).toBe(3);
  });

  it("reads the cues from the run's context, and options win over them", async () => {
    const backend = createScriptedBackend({
      respond: scriptedThinking({ prompt: promptText, traces, answerCue: " =>", answer: () => "45" }),
    });
    const result = await solve({
      problem,
      strategy: budgetForcing({ maxThinkingTokens: 2, answerCue: " =>" }),
      backend,
      thinkingCues,
    });
    expect(result.answer).toBe("45");
    expect(backend.calls[1]?.request.prompt).toEqual({ kind: "text", text: `${promptText}\na 12+30=42 =>` });
  });

  it("needs a backend that continues a chat prompt's prefix", async () => {
    const backend = createScriptedBackend({ responses: ["#### 1"], capabilities: { continuePrefix: false } });
    await expect(solve({ problem: "1+1=?", strategy: "force@8", backend })).rejects.toSatisfy(
      (error) => CapabilityError.isInstance(error) && /force@8/.test((error as Error).message),
    );
  });

  it("is named by its spec and refuses a plan without a limit", () => {
    expect(parseStrategySpec("force@64").name).toBe("force@64");
    expect(parseStrategySpec("force@4x64").parameters).toMatchObject({ n: 4, maxThinkingTokens: 64 });
    expect(parseStrategySpec("extend@200w2").parameters).toMatchObject({
      n: 1,
      minThinkingTokens: 200,
      maxWaits: 2,
    });
    expect(parseStrategySpec("extend@200w2").name).toBe("extend@200w2");
    expect(() => budgetForcing({})).toThrow(ConfigError);
    expect(() => budgetForcing({ maxThinkingTokens: 0 })).toThrow(/maxThinkingTokens/);
  });

  it("declares a worst case that covers every extension call re-reading the trace", async () => {
    const strategy = parseStrategySpec("extend@10w5");
    const backend = createScriptedBackend({
      respond: scriptedThinking({
        prompt: promptText,
        traces: ["\na 12+30=42 #### 42\nWait 42+5=47 #### 47\nWait done #### 47"],
        answerCue: thinkingCues.answerCue,
        continueCue: thinkingCues.continueCue,
        answer: () => "0",
      }),
    });
    const result = await solve({ problem, strategy, backend, thinkingCues, sampling: { maxTokens: 20 } });
    expect(result.usage.calls).toBe(3);
    // Word tokens: the calls read 3, 3 + 4 + 1 and 3 + 4 + 1 + 3 + 1 tokens and write 4 + 3 + 3.
    const spent = (result.usage.promptTokens ?? 0) + (result.usage.completionTokens ?? 0);
    expect(spent).toBe(3 + 8 + 12 + 10);
    // One sample's prompt and max_tokens fall short of it; the declared worst case does not.
    expect(spent).toBeGreaterThan(strategy.samples * (3 + 20));
    const worstCase = strategy.worstCaseTokens?.({ promptTokens: 3, maxTokens: 20, thinkingCues });
    // Six calls of at most 3 + 20 + 5k tokens read, 20 written.
    expect(worstCase).toBe(6 * 3 + 5 * 20 + 5 * 15 + 20);
    expect(spent).toBeLessThanOrEqual(worstCase ?? 0);
  });
});
