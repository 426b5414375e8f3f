import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { seededRng } from "../runtime/index.ts";
import type { GenerationRequest } from "../spec/index.ts";
import { scriptedThinking } from "./scripted-thinking.ts";

const prompt = "Q:";
const text = (written: string, maxTokens?: number): GenerationRequest => ({
  prompt: { kind: "text", text: prompt + written },
  ...(maxTokens === undefined ? {} : { maxTokens }),
});

describe("scriptedThinking", () => {
  const make = () =>
    scriptedThinking({
      prompt,
      traces: [" a b c #### 1", " x y\nWait z #### 2"],
      answerCue: " ####",
      continueCue: "\nWait",
      answer: (written, trace) => `${trace.at(-1)}${written.length}`,
    });

  it("starts traces in turn and continues each along its own, maxTokens words at a time", () => {
    const respond = make();
    const rng = seededRng(0);
    expect(respond(text("", 2), 0, rng)).toEqual({ text: " a b", finishReason: "length" });
    expect(respond(text("", 5), 1, rng)).toEqual({ text: " x y", finishReason: "stop" });
    expect(respond(text(" a b", 10), 2, rng)).toEqual({ text: " c #### 1", finishReason: "stop" });
    expect(respond(text(" x y\nWait"), 3, rng)).toEqual({ text: " z #### 2", finishReason: "stop" });
  });

  it("answers a partial solution that ends with the answer cue", () => {
    const respond = make();
    expect(respond(text(" a b ####"), 0, seededRng(0))).toEqual({ text: "14", finishReason: "stop" });
  });

  it("refuses a prompt that continues no trace", () => {
    expect(() => make()(text(" q"), 0, seededRng(0))).toThrow(ConfigError);
    expect(() => make()({ prompt: { kind: "text", text: "other" } }, 0, seededRng(0))).toThrow(/prompt/);
  });
});
