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

  it("counts the pieces that followed a usage chunk sent before the choices finished", () => {
    const assembler = new StreamAssembler(false);
    // A server that reports the prompt first, in a usage chunk of its own, then streams the answer.
    assembler.add({ choices: [], usage: { prompt_tokens: 11, completion_tokens: 0 } });
    for (const piece of ["one", " two", " three"])
      assembler.add({ choices: [{ index: 0, delta: { content: piece } }] });
    expect(assembler.partial().usage).toEqual({
      promptTokens: 11,
      completionTokens: 3,
      cachedPromptTokens: undefined,
    });
  });
});

describe("StreamAssembler.result usage", () => {
  const chatChunk = (index: number, content: string | undefined, finish: string | null = null) => ({
    choices: [{ index, delta: content === undefined ? {} : { content }, finish_reason: finish }],
  });
  const usage = (completion: number) => ({
    choices: [],
    usage: { prompt_tokens: 70, completion_tokens: completion, prompt_tokens_details: { cached_tokens: 69 } },
  });

  it("adds up the usage chunks llama.cpp's chat endpoint sends after each choice, the prompt once", () => {
    const assembler = new StreamAssembler(false);
    // Two choices interleaved, as llama-server streams n = 2: each final chunk is followed by its usage.
    assembler.add(chatChunk(1, "#"));
    assembler.add(chatChunk(0, "#"));
    assembler.add(chatChunk(1, " 4"));
    assembler.add(chatChunk(1, undefined, "stop"));
    assembler.add(usage(3));
    assembler.add(chatChunk(0, " 5"));
    assembler.add(chatChunk(0, " 6"));
    assembler.add(chatChunk(0, undefined, "length"));
    assembler.add(usage(4));
    const result = assembler.result();
    expect(result.usage).toEqual({ promptTokens: 70, completionTokens: 7, cachedPromptTokens: 69 });
    expect(result.choices.map((choice) => [choice.text, choice.completionTokens])).toEqual([
      ["# 5 6", 4],
      ["# 4", 3],
    ]);
  });

  it("takes a single usage chunk as the request's, told to no choice (OpenAI, vLLM)", () => {
    const assembler = new StreamAssembler(false);
    assembler.add(chatChunk(0, "a"));
    assembler.add(chatChunk(1, "b"));
    assembler.add(chatChunk(0, undefined, "stop"));
    assembler.add(chatChunk(1, undefined, "stop"));
    assembler.add(usage(9));
    const result = assembler.result();
    expect(result.usage?.completionTokens).toBe(9);
    expect(result.choices.map((choice) => choice.completionTokens)).toEqual([undefined, undefined]);
  });

  it("tells each choice its own count where llama.cpp's completions endpoint puts it on the final chunks", () => {
    const assembler = new StreamAssembler(false);
    assembler.add({
      choices: [{ index: 0, text: "ab", finish_reason: "stop" }],
      usage: { completion_tokens: 2 },
    });
    assembler.add({
      choices: [{ index: 1, text: "c", finish_reason: "stop" }],
      usage: { completion_tokens: 1 },
    });
    const result = assembler.result();
    expect(result.usage?.completionTokens).toBe(3);
    expect(result.choices.map((choice) => choice.completionTokens)).toEqual([2, 1]);
  });
});

describe("StreamAssembler.missing", () => {
  const chunk = (index: number, delta: object, finish: string | null = null) => ({
    choices: [{ index, delta, finish_reason: finish }],
  });

  it("owes each choice's finish, then the request's usage chunk when usage was asked for", () => {
    const assembler = new StreamAssembler(false);
    const expected = { choices: 2, usage: true };
    expect(assembler.missing(expected)).toBe("choices 0, 1 had no finish reason");
    assembler.add(chunk(0, { content: "a" }));
    assembler.add(chunk(1, { content: "b" }));
    // A finish reason mull does not know still ends the choice.
    assembler.add(chunk(0, {}, "end_of_story"));
    expect(assembler.missing(expected)).toBe("choice 1 had no finish reason");
    assembler.add(chunk(1, {}, "length"));
    expect(assembler.missing(expected)).toBe("the usage asked for had not come");
    expect(assembler.missing({ choices: 2, usage: false })).toBeUndefined();
    assembler.add({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } });
    expect(assembler.missing(expected)).toBeUndefined();
  });

  it("takes the usage on every choice's final chunk (llama.cpp's server) as the usage asked for", () => {
    const assembler = new StreamAssembler(false);
    const expected = { choices: 2, usage: true };
    assembler.add({ ...chunk(0, {}, "stop"), usage: { prompt_tokens: 3, completion_tokens: 1 } });
    assembler.add(chunk(1, {}, "stop"));
    expect(assembler.missing(expected)).toBe("the usage asked for had not come");
    assembler.add({ ...chunk(1, {}, "stop"), usage: { prompt_tokens: 3, completion_tokens: 2 } });
    expect(assembler.missing(expected)).toBeUndefined();
  });

  it("owes each choice's usage chunk once several came (llama.cpp's chat endpoint)", () => {
    const assembler = new StreamAssembler(false);
    const expected = { choices: 3, usage: true };
    for (const index of [0, 1, 2]) assembler.add(chunk(index, { content: "a" }));
    const usage = { choices: [], usage: { prompt_tokens: 3, completion_tokens: 1 } };
    assembler.add(chunk(0, {}, "stop"));
    assembler.add(usage);
    assembler.add(chunk(1, {}, "stop"));
    assembler.add(usage);
    assembler.add(chunk(2, {}, "stop"));
    expect(assembler.missing(expected)).toBe("the usage asked for had not come");
    assembler.add(usage);
    expect(assembler.missing(expected)).toBeUndefined();
  });

  it("owes nothing after the request's usage chunk, the last one sent, once every choice sent has finished", () => {
    const assembler = new StreamAssembler(false);
    // A server that ignores n = 2: one choice, then the usage.
    assembler.add(chunk(0, { content: "a" }));
    assembler.add({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 1 } });
    expect(assembler.missing({ choices: 2, usage: true })).toBe("choices 0, 1 had no finish reason");
    assembler.add(chunk(0, {}, "stop"));
    expect(assembler.missing({ choices: 2, usage: true })).toBeUndefined();
    // No choice at all is no answer, usage or not.
    const empty = new StreamAssembler(false);
    empty.add({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 0 } });
    expect(empty.missing({ choices: 1, usage: true })).toBe("choice 0 had no finish reason");
  });

  it("owes nothing once the watcher cut the stream", () => {
    const assembler = new StreamAssembler(false, undefined, () => "stop");
    assembler.add({
      choices: [{ index: 0, delta: { content: "a" }, logprobs: logprobs("a"), finish_reason: null }],
    });
    expect(assembler.cut).toBe(true);
    expect(assembler.missing({ choices: 1, usage: true })).toBeUndefined();
  });
});
