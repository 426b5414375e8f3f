import { describe, expect, it } from "vitest";
import { withCue } from "../generation/index.ts";
import { solve } from "../solve.ts";
import type { Problem, ThinkingCues } from "../spec/index.ts";
import { createScriptedBackend, scriptedThinking } from "../testing/index.ts";
import { liveProbing } from "./live-probing.ts";
import { probeCounts } from "./live-trace.ts";

const promptText = "Q: 71+155-115=? A:";
const problem: Problem = { question: "71+155-115=?", prompt: { kind: "text", text: promptText } };
const thinkingCues: ThinkingCues = { answerCue: "\n#### ", continueCue: "\n" };
const cue = thinkingCues.answerCue;

/**
 * A backend whose probes answer the number the trace was writing when it was cut in one (as the lab models
 * do), else 111.
 */
function backendFor(trace: string) {
  return createScriptedBackend({
    respond: scriptedThinking({
      prompt: promptText,
      traces: [trace],
      answerCue: cue,
      answer: (written) => /\d+$/.exec(written)?.[0] ?? "111",
    }),
  });
}

/** One trace, probed every two tokens, stopped only by its own probes agreeing twice. */
const strategy = liveProbing({ n: 1, chunkTokens: 2, stopWhen: [] });

describe("liveProbing's probes in the middle of a number", () => {
  it("do not settle a trace: two chunks that end mid-number and whose probes both say 1 go on", async () => {
    // Chunks: "\nso 71+1" and " 55=226 226-115=1" end in a digit (probes: 1, 1), " 11 is" and " the sum."
    // after a whole word (probes: 111, 111).
    const backend = backendFor("\nso 71+1 55=226 226-115=1 11 is the sum.\n#### 111");
    const result = await solve({ problem, thinkingCues, strategy, backend, seed: 1 });
    expect(result.answer).toBe("111");
    expect(result.candidates[0]?.text).toBe("\nso 71+1 55=226 226-115=1 11 is the sum.\n#### 111");
    // Four rounds of a chunk and a probe: the probes of the first two did not count.
    expect(backend.calls).toHaveLength(8);
    expect(result.candidates[0]?.finishReason).toBe("length");
  });

  it("settles a trace on chunks that end after a complete statement", async () => {
    const backend = backendFor("\nso 71+155=226. 226-115=111. so it is.\n#### 111");
    const result = await solve({ problem, thinkingCues, strategy, backend, seed: 1 });
    expect(result.answer).toBe("111");
    expect(result.candidates[0]?.text).toBe("\nso 71+155=226. 226-115=111. so\n#### 111");
    expect(backend.calls).toHaveLength(4);
  });

  it("a mid-number probe neither counts toward agreement nor breaks it", async () => {
    // Chunks end after "." (111), mid-number (1), after "." (111): the two counted probes agree.
    const backend = backendFor("\nso 71+155=226. then 226-115=1 11 ok. done now.\n#### 111");
    const result = await solve({ problem, thinkingCues, strategy, backend, seed: 1 });
    expect(result.answer).toBe("111");
    expect(backend.calls).toHaveLength(6);
  });
});

describe("probeCounts", () => {
  const probe = (solution: string) => ({
    id: "p",
    text: "",
    tokenCount: 1,
    model: "m",
    finishReason: "stop" as const,
    answer: "1",
    solution,
  });

  it("is false only for a cue appended right after a digit", () => {
    const midNumber = "\n226-115=1";
    expect(probeCounts(midNumber, probe(`${withCue(midNumber, cue)}1`), cue)).toBe(false);
    const wordEnd = "\n226-115=111. so";
    expect(probeCounts(wordEnd, probe(`${withCue(wordEnd, cue)}111`), cue)).toBe(true);
    // The trace's own answer line, finished by the probe, and a line the trace ended.
    const openLine = "\n226-115=111\n#### 11";
    expect(probeCounts(openLine, probe(`${openLine}1`), cue)).toBe(true);
    const endedLine = "\n226-115=111\n#### 111\nQ: 5";
    expect(probeCounts(endedLine, probe("\n226-115=111\n#### 111"), cue)).toBe(true);
  });
});
