import { describe, expect, it } from "vitest";
import { adaptiveConsistencyReached, candidatesReached, consensusReached } from "../budget/index.ts";
import { BudgetExhaustedError } from "../errors/index.ts";
import { promptCharacters } from "../generation/index.ts";
import { manualClock } from "../runtime/index.ts";
import { rejection } from "../runtime/rejection.test-support.ts";
import { solve } from "../solve.ts";
import type { Backend, Problem, ThinkingCues } from "../spec/index.ts";
import {
  createScriptedBackend,
  type ScriptedBackend,
  type ScriptedBackendOptions,
  scriptedThinking,
} from "../testing/index.ts";
import { liveProbing } from "./live-probing.ts";
import { parseStrategySpec } from "./parse-strategy-spec.ts";

const promptText = "Q: 12+30+5=? A:";
const problem: Problem = { question: "12+30+5=?", prompt: { kind: "text", text: promptText } };
const thinkingCues: ThinkingCues = { answerCue: "\n#### ", continueCue: "\n" };
const settings = { problem, thinkingCues, sampling: { temperature: 1 }, seed: 5 };

/** Five-token traces that differ in their first word and their answers. */
const short = [
  "\na 12+30=42 42+5=47 #### 47",
  "\nb 12+30=42 42+5=46 #### 46",
  "\nc 12+30=42 42+5=47 #### 47",
];
/** Ten-token traces. */
const long = ["\na 1 2 3 4 5 6 7 #### 47", "\nb 1 2 3 4 5 6 7 #### 47", "\nc 1 2 3 4 5 6 7 #### 46"];
/** A ten-token trace of words: its chunks end after a whole word, never in the middle of a number. */
const worded = "\na one two three four five six seven #### 47";

/** A backend whose probes answer `probe(trace)`, a one-token answer. */
function backendFor(
  traces: readonly string[],
  probe: (trace: string) => string,
  extra: Partial<ScriptedBackendOptions> = {},
) {
  return createScriptedBackend({
    ...extra,
    respond: scriptedThinking({
      prompt: promptText,
      traces,
      answerCue: thinkingCues.answerCue,
      answer: (_written, trace) => probe(trace),
    }),
  });
}

/** Distinct probe answers per trace, so they never all agree. */
const byTrace = (trace: string) => String(trace.charCodeAt(1));

function generatedTokens(result: Awaited<ReturnType<typeof solve>>): number {
  return result.trace.reduce(
    (sum, event) => sum + (event.type === "generation" ? (event.completionTokens ?? 0) : 0),
    0,
  );
}

describe("liveProbing", () => {
  it("charges exactly the chunk and probe tokens it generated", async () => {
    const backend = backendFor(short.slice(0, 2), byTrace);
    const strategy = liveProbing({ n: 2, chunkTokens: 2, agreement: 100 });
    const result = await solve({ ...settings, strategy, backend });
    // Each trace: chunks of 2, 2 and 1 tokens (it ends), a one-token probe after each of the first two.
    expect(backend.calls).toHaveLength(2 * (3 + 2));
    expect(result.usage.completionTokens).toBe(2 * (5 + 2));
    expect(generatedTokens(result)).toBe(result.usage.completionTokens);
    expect(result.candidates.map((candidate) => candidate.completionTokens)).toEqual([7, 7]);
    expect(result.candidates.map((candidate) => candidate.text)).toEqual(short.slice(0, 2));
    const chunkSizes = backend.calls
      .filter((call) => call.request.temperature === 1)
      .map((call) => call.request.maxTokens);
    expect(chunkSizes).toEqual([2, 2, 2, 2, 2, 2]);
    const probePrompts = backend.calls
      .filter((call) => call.request.temperature === 0)
      .map((call) => (call.request.prompt.kind === "text" ? call.request.prompt.text : ""));
    expect(probePrompts[0]).toBe(`${promptText}\na 12+30=42\n#### `);
    expect(result.stoppedBy).toBe("complete");
  });

  it("with M above any trace's probes answers as self-consistency over the N full traces", async () => {
    const sc = await solve({ ...settings, strategy: "sc@3", backend: backendFor(short, byTrace) });
    const probed = await solve({
      ...settings,
      strategy: "probe@3k2m100",
      backend: backendFor(short, byTrace),
    });
    expect(probed.answer).toBe("47");
    expect(probed.answer).toBe(sc.answer);
    expect(probed.votes).toEqual(sc.votes);
    expect(probed.candidates.map((candidate) => candidate.answer)).toEqual(
      sc.candidates.map((candidate) => candidate.answer),
    );
    expect(probed.candidates.map((candidate) => candidate.text)).toEqual(
      sc.candidates.map((candidate) => candidate.text),
    );
  });

  it("stops a trace once its last M probes agree, answering their answer", async () => {
    const backend = backendFor([worded], () => "45");
    const result = await solve({
      ...settings,
      strategy: liveProbing({ n: 1, chunkTokens: 2, stopWhen: [] }),
      backend,
    });
    expect(result.answer).toBe("45");
    expect(backend.calls).toHaveLength(4);
    expect(result.usage.completionTokens).toBe(2 * 2 + 2 * 1);
    expect(result.candidates[0]?.text).toBe("\na one two three\n#### 45");
    expect(result.stoppedBy).toBe("complete");
  });

  it("stops every trace once the probes of all of them agree two rounds running, before any finishes", async () => {
    const backend = backendFor(long, () => "47");
    const result = await solve({ ...settings, strategy: "probe@3k2m3", backend });
    expect(result.stoppedBy).toBe("condition:consensus");
    expect(result.partial).toBe(false);
    expect(result.answer).toBe("47");
    // Two rounds: a chunk and a probe per trace each; no trace reached its end or its third probe.
    expect(backend.calls).toHaveLength(12);
    expect(result.candidates.every((candidate) => candidate.finishReason === "length")).toBe(true);
    expect(result.usage.completionTokens).toBe(3 * (4 + 2));
  });

  it("waits for the same leader to hold the consensus stableRounds rounds in a row", async () => {
    // Every probe answers 1 after the first chunk and 2 after later ones: all agree in every round.
    const leaderChanges = createScriptedBackend({
      respond: scriptedThinking({
        prompt: promptText,
        traces: long,
        answerCue: thinkingCues.answerCue,
        answer: (written) => (written.split(" ").length <= 2 ? "1" : "2"),
      }),
    });
    const twice = await solve({ ...settings, strategy: "probe@3k2m100", backend: leaderChanges });
    expect(twice.stoppedBy).toBe("condition:consensus");
    expect(twice.answer).toBe("2");
    expect(leaderChanges.calls).toHaveLength(3 * 6);
    const once = await solve({
      ...settings,
      strategy: liveProbing({ n: 3, chunkTokens: 2, agreement: 100, stableRounds: 1 }),
      backend: backendFor(long, () => "1"),
    });
    expect(once.stoppedBy).toBe("condition:consensus");
    expect(once.usage.calls).toBe(6);
  });

  it("caps a trace at maxThinkingTokens, answering its latest probe, with or without token counts", async () => {
    for (const usage of ["reported", "unreported"] as const) {
      let probes = 0;
      const backend = createScriptedBackend({
        usage,
        respond: scriptedThinking({
          prompt: promptText,
          traces: long,
          answerCue: thinkingCues.answerCue,
          answer: () => {
            probes += 1;
            return String(probes);
          },
        }),
      });
      const strategy = liveProbing({ n: 1, chunkTokens: 2, maxThinkingTokens: 4 });
      const result = await solve({ ...settings, strategy, backend });
      expect(backend.calls, usage).toHaveLength(4);
      expect(result.answer, usage).toBe("2");
      expect(result.candidates[0]?.text, usage).toBe("\na 1 2 3\n#### 2");
    }
  });

  it("asks a trace's last chunk for no more than maxThinkingTokens leaves it", async () => {
    // A limit of 3 in chunks of 2: the second chunk asks for 1 token, not 2.
    const backend = backendFor(long.slice(0, 1), () => "5");
    const strategy = liveProbing({ n: 1, chunkTokens: 2, maxThinkingTokens: 3, agreement: 5 });
    const result = await solve({ ...settings, strategy, backend });
    const chunkSizes = backend.calls
      .filter((call) => call.request.temperature === 1)
      .map((call) => call.request.maxTokens);
    expect(chunkSizes).toEqual([2, 1]);
    expect(result.candidates[0]?.text).toBe("\na 1 2\n#### 5");
  });

  it("takes any cross-trace condition, such as Adaptive-Consistency's", async () => {
    const backend = backendFor(long, (trace) => (trace.startsWith("\nc") ? "46" : "47"));
    const strategy = liveProbing({
      n: 3,
      chunkTokens: 2,
      stopWhen: [adaptiveConsistencyReached(0.5)],
      stableRounds: 1,
    });
    const result = await solve({ ...settings, strategy, backend });
    expect(result.stoppedBy).toBe("condition:adaptive-consistency");
    expect(result.votes).toEqual({ "47": 2, "46": 1 });
    expect(backend.calls).toHaveLength(6);
  });

  it("cut by the budget mid-run, answers with the latest probes, marked partial", async () => {
    const backend = backendFor(long, (trace) => (trace.startsWith("\nc") ? "46" : "47"));
    // Round one: 3 × (2 + 1) tokens; round two would plan 3 × (2 + 2) more, past the limit.
    const result = await solve({
      ...settings,
      strategy: liveProbing({ n: 3, chunkTokens: 2, answerTokens: 2 }),
      backend,
      budget: { maxCompletionTokens: 15 },
    });
    expect(result.partial).toBe(true);
    expect(result.stoppedBy).toBe("completion-tokens");
    expect(result.answer).toBe("47");
    expect(result.votes).toEqual({ "47": 2, "46": 1 });
    expect(result.usage.completionTokens).toBe(9);
    expect(backend.calls).toHaveLength(6);
  });

  it("starts no round whose chunks and probes, prompts re-read included, the token budget cannot pay", async () => {
    const backend = backendFor(long, () => "47");
    // Round one asks 2 × (2 + 1) tokens; with the prompts its two chunks and two probes read, more than 20.
    const refused = await rejection(
      solve({
        ...settings,
        strategy: liveProbing({ n: 2, chunkTokens: 2, answerTokens: 1 }),
        backend,
        budget: { maxTotalTokens: 20 },
      }),
    );
    expect(BudgetExhaustedError.isInstance(refused) && refused.reason).toBe("tokens");
    expect(backend.calls).toHaveLength(0);
    // Room for round one, prompts included, but not round two: it answers with round one's probes.
    const fits = backendFor(long, () => "47");
    const result = await solve({
      ...settings,
      strategy: liveProbing({ n: 2, chunkTokens: 2, answerTokens: 1 }),
      backend: fits,
      budget: { maxTotalTokens: 60 },
    });
    expect(result).toMatchObject({ answer: "47", stoppedBy: "tokens", partial: true });
    expect(fits.calls).toHaveLength(4);
    expect((result.usage.promptTokens ?? 0) + (result.usage.completionTokens ?? 0)).toBeLessThanOrEqual(60);
  });

  it("counts the chunk a probe re-reads in the round it plans", async () => {
    // Round one, per trace: the chunk reads the prompt (15 characters, estimated at 4 tokens); the probe
    // reads it, the 2 tokens the chunk asks and the 6-byte answer cue, 12. Two traces: 2 × (4 + 12) prompt
    // and 2 × (2 + 1) completion tokens, 38 in all. One token less and no round starts.
    const refused = await rejection(
      solve({
        ...settings,
        strategy: liveProbing({ n: 2, chunkTokens: 2, answerTokens: 1 }),
        backend: backendFor(long, () => "47"),
        budget: { maxTotalTokens: 37 },
      }),
    );
    expect(BudgetExhaustedError.isInstance(refused) && refused.reason).toBe("tokens");
    const fits = backendFor(long, () => "47");
    const result = await solve({
      ...settings,
      strategy: liveProbing({ n: 2, chunkTokens: 2, answerTokens: 1 }),
      backend: fits,
      budget: { maxTotalTokens: 38 },
    });
    expect(result).toMatchObject({ answer: "47", stoppedBy: "tokens", partial: true });
    expect(fits.calls).toHaveLength(4);
  });

  it("starts no round under maxCalls that cannot pay for a chunk and a probe per trace", async () => {
    // Round one makes 4 calls; round two would need 4 more, past the 6 allowed, so it never starts.
    const backend = backendFor(long, byTrace);
    const result = await solve({
      ...settings,
      strategy: liveProbing({ n: 2, chunkTokens: 2 }),
      backend,
      budget: { maxCalls: 6 },
    });
    expect(result).toMatchObject({ stoppedBy: "calls", partial: true });
    expect(result.usage.calls).toBe(4);
    expect(backend.calls).toHaveLength(4);
  });

  it("marks a trace it stopped mid-chain without an answer as cut: no sample, so the deadline throws", async () => {
    const clock = manualClock();
    // The two chunks of round one take the whole 200 ms: no probe is made.
    const backend = backendFor(long, () => "47", { onCall: () => clock.advance(100) });
    const strategy = liveProbing({ n: 2, chunkTokens: 2, answerTokens: 1 });
    const refused = await rejection(
      solve({ ...settings, strategy, backend, clock, budget: { maxMilliseconds: 200 } }),
    );
    expect(BudgetExhaustedError.isInstance(refused) && refused.reason).toBe("time");
    expect(backend.calls).toHaveLength(2);
    // Aborted as its first probe starts, the run returns the chunks, cut short and without an answer.
    const controller = new AbortController();
    const aborted = backendFor(long, () => "47", {
      onCall: (_request, index) => {
        if (index === 2) controller.abort();
      },
    });
    const result = await solve({ ...settings, strategy, backend: aborted, signal: controller.signal });
    expect(result).toMatchObject({ answer: undefined, stoppedBy: "abort", partial: true });
    expect(result.candidates.map((candidate) => [candidate.finishReason, candidate.text])).toEqual([
      ["cut", "\na 1"],
      ["cut", "\nb 1"],
    ]);
  });

  it("cut short, lets finished traces outvote the probes of unfinished ones", async () => {
    const traces = ["\nd #### 40", ...long.slice(0, 2)];
    const backend = backendFor(traces, () => "47");
    const result = await solve({
      ...settings,
      strategy: liveProbing({ n: 3, chunkTokens: 3, answerTokens: 1 }),
      backend,
      budget: { maxCompletionTokens: 15 },
    });
    expect(result.stoppedBy).toBe("completion-tokens");
    expect(result.answer).toBe("40");
    expect(result.candidates.map((candidate) => candidate.answer)).toEqual(["40", "47", "47"]);
  });

  it("past its deadline mid-run, answers with the latest probes, marked partial", async () => {
    const clock = manualClock();
    // Each call takes 100 ms of the test clock: round one's three chunks and three probes end at 600 ms.
    const backend = backendFor(long, (trace) => (trace.startsWith("\nc") ? "46" : "47"), {
      onCall: () => clock.advance(100),
    });
    const result = await solve({
      ...settings,
      strategy: liveProbing({ n: 3, chunkTokens: 2, answerTokens: 2 }),
      backend,
      clock,
      budget: { maxMilliseconds: 600 },
    });
    expect(result.partial).toBe(true);
    expect(result.stoppedBy).toBe("time");
    expect(result.answer).toBe("47");
    expect(result.votes).toEqual({ "47": 2, "46": 1 });
    expect(result.candidates.map((candidate) => candidate.finishReason)).toEqual([
      "length",
      "length",
      "length",
    ]);
    expect(result.usage.completionTokens).toBe(9);
    expect(backend.calls).toHaveLength(6);
  });

  it("aborted mid-run, answers with the probes it has", async () => {
    const controller = new AbortController();
    const backend = backendFor(long, (trace) => (trace.startsWith("\nc") ? "46" : "47"), {
      onCall: (_request, index) => {
        if (index === 6) controller.abort();
      },
    });
    const result = await solve({ ...settings, strategy: "probe@3k2", backend, signal: controller.signal });
    expect(result.partial).toBe(true);
    expect(result.stoppedBy).toBe("abort");
    expect(result.answer).toBe("47");
    expect(result.usage.completionTokens).toBe(9);
  });

  it("continues a chat prompt's trace as a final assistant message", async () => {
    const backend = createScriptedBackend({
      respond: scriptedThinking({ traces: [worded], answerCue: "\n#### ", answer: () => "45" }),
    });
    const result = await solve({
      problem: "12+30+5=?",
      strategy: liveProbing({ n: 1, chunkTokens: 2 }),
      backend,
      thinkingCues,
    });
    expect(result.answer).toBe("45");
    const second = backend.calls[2]?.request.prompt;
    expect(second?.kind).toBe("chat");
    if (second?.kind === "chat") {
      expect(second.continueFinalMessage).toBe(true);
      expect(second.messages.at(-1)).toEqual({ role: "assistant", content: "\na one" });
    }
  });

  it("thinks at least one chunk when the run's maxTokens is below a probe's answerTokens", async () => {
    // maxTokens 20 less the default 32 answer tokens leaves nothing: the limit is one chunk of 2.
    const backend = backendFor([worded], () => "45");
    const result = await solve({
      ...settings,
      strategy: liveProbing({ n: 1, chunkTokens: 2 }),
      backend,
      sampling: { temperature: 1, maxTokens: 20 },
    });
    expect(backend.calls[0]?.request.maxTokens).toBe(2);
    expect(backend.calls).toHaveLength(2);
    expect(result).toMatchObject({ answer: "45", stoppedBy: "complete" });
    expect(result.candidates[0]?.text).toBe("\na one\n#### 45");
  });

  it("keeps a trace that a stop condition ended before any probe answered as it ended, not cut", async () => {
    const backend = backendFor([long[0]!], () => "");
    const result = await solve({
      ...settings,
      strategy: liveProbing({ n: 1, chunkTokens: 2, stopWhen: [candidatesReached(1)], stableRounds: 1 }),
      backend,
    });
    expect(result.stoppedBy).toBe("condition:candidates-reached");
    expect(result.candidates.map((candidate) => [candidate.finishReason, candidate.answer])).toEqual([
      ["length", undefined],
    ]);
  });

  it("keeps the first-listed answer as leader on a tie, so a tie with the same leader extends the streak", async () => {
    // Round one: 46, 46, 47 and no answer; round two: 46, 46, 47, 47. Integer-like keys list in ascending
    // order, so 46 leads both rounds: the consensus at 0.5 holds two rounds running with one leader, and
    // the run stops after round two.
    const backend = createScriptedBackend({
      respond: scriptedThinking({
        prompt: promptText,
        traces: [...long, "\nd 1 2 3 4 5 6 7 #### 47"],
        answerCue: thinkingCues.answerCue,
        answer: (written, trace) => {
          if (trace.startsWith("\nd")) return written.split(" ").length <= 2 ? "" : "47";
          return trace.startsWith("\nc") ? "47" : "46";
        },
      }),
    });
    const result = await solve({
      ...settings,
      strategy: liveProbing({ n: 4, chunkTokens: 2, agreement: 100, stopWhen: [consensusReached(0.5)] }),
      backend,
    });
    expect(result.stoppedBy).toBe("condition:consensus");
    expect(result.votes).toEqual({ "46": 2, "47": 2 });
    expect(result.answer).toBe("46");
    // Two rounds of a chunk and a probe per trace.
    expect(backend.calls).toHaveLength(2 * 2 * 4);
  });

  it("is named by its spec", () => {
    expect(parseStrategySpec("probe@4k8").name).toBe("probe@4k8");
    expect(parseStrategySpec("PROBE@4k8m2").name).toBe("probe@4k8");
    expect(parseStrategySpec("probe@4k8m3").parameters).toMatchObject({
      n: 4,
      chunkTokens: 8,
      agreement: 3,
      stopWhen: ["consensus"],
    });
    expect(parseStrategySpec("probe@4k8m3").samples).toBe(4);
  });

  it("declares a worst case that covers every chunk and probe re-reading the trace", async () => {
    const strategy = liveProbing({ n: 1, chunkTokens: 2, answerTokens: 2, agreement: 10 });
    const backend = backendFor([long[0]!], () => "47");
    const result = await solve({
      ...settings,
      strategy,
      backend,
      sampling: { temperature: 1, maxTokens: 10 },
    });
    // A thinking limit of 10 − 2 = 8 tokens, short of the trace's 10: 4 rounds of a chunk and a probe.
    expect(result.usage.calls).toBe(8);
    // Word tokens: round r's chunk reads 3 + 2(r − 1) and writes 2, its probe reads 3 + 2r + 1 and writes 1.
    const spent = (result.usage.promptTokens ?? 0) + (result.usage.completionTokens ?? 0);
    expect(spent).toBe(4 * 8 + 4 * 10);
    expect(spent).toBeGreaterThan(strategy.samples * (3 + 10));
    const worstCase = strategy.worstCaseTokens?.({ promptTokens: 3, maxTokens: 10, thinkingCues });
    // The answer cue "\n#### " is at most 6 tokens.
    expect(worstCase).toBe(4 * (2 * 3 + 6 + 2) + 2 * 4 * 5);
    expect(spent).toBeLessThanOrEqual(worstCase ?? 0);
  });
});

const labPromptText = "Q: 412+307-95=? A:";
const labProblem: Problem = { question: "412+307-95=?", prompt: { kind: "text", text: labPromptText } };
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

/** `characterTrace`, its prompts' tokens their characters too, counted and reported. */
function characterPrompts(trace: string): Backend & { readonly calls: ScriptedBackend["calls"] } {
  const backend = characterTrace(trace);
  return {
    ...backend,
    countTokens: async (prompt) => promptCharacters(prompt),
    async generate(request, callOptions) {
      const result = await backend.generate(request, callOptions);
      return { ...result, usage: { ...result.usage, promptTokens: promptCharacters(request.prompt) } };
    },
  };
}

/** One trace probed once, after a first chunk of `chunkTokens` characters. */
async function probedOnce(trace: string, chunkTokens: number) {
  const backend = characterTrace(trace);
  const strategy = liveProbing({ n: 1, chunkTokens, maxThinkingTokens: chunkTokens, answerTokens: 8 });
  const result = await solve({ ...settings, problem: labProblem, strategy, backend });
  const probes = backend.calls
    .filter((call) => call.request.temperature === 0)
    .map((call) => (call.request.prompt.kind === "text" ? call.request.prompt.text : ""));
  return { backend, probes, result };
}

describe("liveProbing on a chunk cut in the trace's own answer line", () => {
  it("continues an answer line the chunk left open instead of appending a second cue", async () => {
    // Cut at 31 tokens on "…\n#### 62": a second cue would read "62" off it.
    const { probes, result } = await probedOnce(labTrace, 31);
    expect(probes).toEqual([`${labPromptText}\n412+307=719\n719-95=624\n#### 62`]);
    expect(result).toMatchObject({ answer: "624", stoppedBy: "complete" });
    expect(result.candidates[0]).toMatchObject({ text: labTrace, answer: "624", completionTokens: 32 });
  });

  it("takes an answer line a line break ended as the round's probe, with no call and no tokens", async () => {
    const { backend, result } = await probedOnce(`${labTrace}\nQ: 5+5=?\n#### 10`, 33);
    expect(backend.calls).toHaveLength(1);
    expect(result.usage.completionTokens).toBe(33);
    expect(result.answer).toBe("624");
    expect(result.candidates[0]).toMatchObject({
      text: labTrace,
      answer: "624",
      completionTokens: 33,
    });
  });

  it("finishes a cue the chunk cut mid-way rather than appending a second one after it", async () => {
    // Cut on "…624\n###": the cue's first characters are replaced by the whole cue, not followed by it.
    const { probes, result } = await probedOnce(labTrace, 27);
    expect(probes).toEqual([`${labPromptText}\n412+307=719\n719-95=624\n#### `]);
    expect(result.answer).toBe("624");
    expect(result.candidates[0]).toMatchObject({ text: labTrace, completionTokens: 30 });
  });

  it("keeps within its declared worst case and its rounds' plans where probes keep the trace's own line", async () => {
    // Chunks of 11 characters: rounds 1 and 2 are probed by a call each; rounds 3 ("…#### 624\n") and 4
    // ("…\nQ: 5+5=?\n##") by the line the trace ended, with no call; round 5's chunk ends the trace.
    const trace = `${labTrace}\nQ: 5+5=?\n#### 10`;
    const strategy = liveProbing({
      n: 1,
      chunkTokens: 11,
      maxThinkingTokens: 55,
      agreement: 100,
      answerTokens: 8,
    });
    const run = (budget?: { maxTotalTokens: number }) =>
      solve({ ...settings, problem: labProblem, strategy, backend: characterPrompts(trace), budget });
    const result = await run();
    expect(result.usage.calls).toBe(5 + 2);
    const spent = (result.usage.promptTokens ?? 0) + (result.usage.completionTokens ?? 0);
    // Five rounds, round r a chunk reading 18 + 11(r − 1) and writing 11, a probe reading 18 + 11r + 6
    // and writing 8, at most.
    const worstCase = strategy.worstCaseTokens?.({
      promptTokens: labPromptText.length,
      maxTokens: 8192,
      thinkingCues,
    });
    expect(worstCase).toBe(5 * (2 * 18 + 6 + 8) + 11 * 5 * 6);
    expect(spent).toBe(334);
    expect(spent).toBeLessThanOrEqual(worstCase ?? 0);
    // No round spends more than it planned: under any token limit the run keeps within it.
    for (let limit = 100; limit < spent; limit += 10) {
      const cut = await run({ maxTotalTokens: limit });
      expect(cut.stoppedBy, `limit ${limit}`).toBe("tokens");
      expect((cut.usage.promptTokens ?? 0) + (cut.usage.completionTokens ?? 0)).toBeLessThanOrEqual(limit);
    }
  });
});
