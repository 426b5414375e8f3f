import { describe, expect, it } from "vitest";
import type { AnswerFormat, Completion, Prompt } from "../../spec/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import { createSampleFanOut } from "../upstreams/index.ts";
import { createProgressFeed, type SampleProgress } from "./sample-progress.ts";

/** Answers after the last `#### ` at the end of a text, as a strict answer line reads them. */
const hashFormat: AnswerFormat = {
  name: "hash",
  extract: (text) => /#### (\S+)\s*$/.exec(text)?.[1],
  key: (answer) => answer,
  equivalent: (a, b) => a === b,
};

const question: Prompt = { kind: "chat", messages: [{ role: "user", content: "6 * 7?" }] };
/** The call that continues what a sample wrote, as budget forcing asks for its answer. */
const continuing = (written: string): Prompt => ({
  kind: "chat",
  messages: [
    { role: "user", content: "6 * 7?" },
    { role: "assistant", content: written },
  ],
  continueFinalMessage: true,
});
const completion = (text: string, finishReason: Completion["finishReason"] = "stop") => ({
  text,
  finishReason,
});
const summary = (progress: SampleProgress) =>
  `${progress.samplesDone}/${progress.samplesPlanned} ${progress.leader ?? "-"}`;

describe("createProgressFeed", () => {
  it("counts a budget-forced sample once, at its answer call, with the answer read after its cue", () => {
    const feed = createProgressFeed(2, hashFormat);
    const seen: string[] = [];
    feed.listen((progress) => seen.push(summary(progress)));
    // Two samples' thinking, cut at the budget: a number in it is no answer.
    feed.sample(completion("6 * 7 is 41 or #### 40", "length"), { prompt: question });
    feed.sample(completion("seven sixes are", "length"), { prompt: question });
    expect(seen).toEqual([]);
    // Their answer calls continue what each wrote, the answer cue appended.
    feed.sample(completion("42"), { prompt: continuing("seven sixes are\n#### ") });
    feed.sample(completion("42"), { prompt: continuing("6 * 7 is 41 or #### 40\n#### ") });
    // Before: 4/4, the first two read from cut thinking ("40"), the answers' own text read as nothing.
    expect(seen).toEqual(["1/2 42", "2/2 42"]);
    expect(feed.latest()?.leaderShare).toBe(1);
  });

  it("counts a sample that goes on after a continue cue once, its vote that of its last call", () => {
    const feed = createProgressFeed(2, hashFormat);
    const seen: string[] = [];
    feed.listen((progress) => seen.push(summary(progress)));
    feed.sample(completion("six sevens #### 41"), { prompt: question });
    feed.sample(completion("6 * 7 = 42 #### 42"), { prompt: question });
    // The first goes on after "Wait": the same sample, now answering 42.
    feed.sample(completion(" no, 42 #### 42"), { prompt: continuing("six sevens #### 41 Wait,") });
    expect(seen).toEqual(["1/2 41", "2/2 41", "2/2 42"]);
    expect(feed.latest()?.leaderShare).toBe(1);
  });

  it("never reports more samples done than planned: a cascade's second model's samples raise the plan", () => {
    const feed = createProgressFeed(2, hashFormat);
    const seen: string[] = [];
    feed.listen((progress) => seen.push(summary(progress)));
    for (const answer of ["41", "42", "42"]) feed.sample(completion(`#### ${answer}`), { prompt: question });
    expect(seen).toEqual(["1/2 41", "2/2 41", "3/3 42"]);
  });

  it("finds a text prompt's continuation by the request's first prompt", () => {
    const feed = createProgressFeed(1, hashFormat);
    feed.sample(completion(" thinking about 40", "length"), { prompt: { kind: "text", text: "Q: 6*7? A:" } });
    feed.sample(completion("42"), { prompt: { kind: "text", text: "Q: 6*7? A: thinking about 40\n#### " } });
    expect(feed.latest()).toEqual({ samplesDone: 1, samplesPlanned: 1, leader: "42", leaderShare: 1 });
  });

  it("leaves out completions a watcher or an abort cut, and ones cut at their token limit", () => {
    const feed = createProgressFeed(4, hashFormat);
    feed.sample(completion("#### 1", "cut"));
    feed.sample(completion("#### 2", "abort"));
    feed.sample(completion("#### 3", "length"));
    expect(feed.latest()).toBeUndefined();
    feed.sample(completion("#### 4"));
    expect(feed.latest()).toEqual({ samplesDone: 1, samplesPlanned: 4, leader: "4", leaderShare: 1 });
  });

  it("hears the fan-out's samples with their calls' requests", async () => {
    const feed = createProgressFeed(2, hashFormat);
    const fanOut = createSampleFanOut(
      createScriptedBackend({ responses: ["think #### 40 and on", "42"] }),
      feed.sample,
    );
    await fanOut.backend.generate({ prompt: question, n: 1, maxTokens: 2 });
    expect(feed.latest()).toBeUndefined();
    await fanOut.backend.generate({ prompt: continuing("think #### 40\n#### "), n: 1 });
    expect(feed.latest()).toEqual({ samplesDone: 1, samplesPlanned: 2, leader: "42", leaderShare: 1 });
  });
});
