import { describe, expect, it } from "vitest";
import { StreamAssembler } from "./stream-assembler.ts";

const logprobs = (...tokens: string[]) => ({
  content: tokens.map((token) => ({ token, logprob: -0.5, top_logprobs: [] })),
});

describe("StreamAssembler.partial", () => {
  it("ends unfinished choices with abort and counts each choice's tokens from its logprobs, its usage, else its pieces", () => {
    const assembler = new StreamAssembler(false);
    // Choice 0 streams two tokens in one piece, with their log-probabilities.
    assembler.add({ choices: [{ index: 0, delta: { content: "ab" }, logprobs: logprobs("a", "b") }] });
    // Choice 1 finishes, with its own usage as llama.cpp's server sends it.
    assembler.add({ choices: [{ index: 1, delta: { role: "assistant", content: "" } }] });
    assembler.add({ choices: [{ index: 1, delta: { content: "x" } }] });
    assembler.add({
      choices: [{ index: 1, delta: {}, finish_reason: "stop" }],
      usage: { prompt_tokens: 7, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 6 } },
    });
    // Choice 2 streams reasoning, then text, one token a piece, without log-probabilities.
    assembler.add({ choices: [{ index: 2, delta: { reasoning_content: "hm" } }] });
    assembler.add({ choices: [{ index: 2, delta: { content: "c" } }] });
    assembler.add({ choices: [{ index: 2, delta: { content: "d" } }] });

    const partial = assembler.partial();
    expect(
      partial.choices.map((choice) => [choice.text, choice.finishReason, choice.completionTokens]),
    ).toEqual([
      ["ab", "abort", 2],
      ["x", "stop", 5],
      ["cd", "abort", 3],
    ]);
    expect(partial.usage).toEqual({ promptTokens: 7, completionTokens: 10, cachedPromptTokens: 6 });
    // The result of a whole stream is untouched by it.
    expect(assembler.result().choices.map((choice) => choice.finishReason)).toEqual([
      "unknown",
      "stop",
      "unknown",
    ]);
    expect(assembler.result().choices[0]).not.toHaveProperty("completionTokens");

    // The request's own usage, once it arrived, is whole.
    assembler.add({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 12 } });
    expect(assembler.partial().usage).toMatchObject({ promptTokens: 7, completionTokens: 12 });
  });

  it("knows no prompt size before a usage chunk, and counts a stream that delivered nothing as no tokens", () => {
    const assembler = new StreamAssembler(false);
    expect(assembler.partial()).toMatchObject({
      choices: [],
      usage: { promptTokens: undefined, completionTokens: 0, cachedPromptTokens: undefined },
    });
    assembler.add({ choices: [{ index: 0, text: "one" }] });
    assembler.add({ choices: [{ index: 0, text: " two" }] });
    expect(assembler.partial().usage).toEqual({
      promptTokens: undefined,
      completionTokens: 2,
      cachedPromptTokens: undefined,
    });
  });
});
