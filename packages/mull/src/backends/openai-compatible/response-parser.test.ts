import { describe, expect, it } from "vitest";
import {
  finishReasonOf,
  MalformedResponseError,
  parseWholeResponse,
  StreamErrorEvent,
  stopSequenceOf,
  tokenLogprobsOf,
} from "./response-parser.ts";
import { StreamAssembler } from "./stream-assembler.ts";

describe("response parsing", () => {
  it("reads llama.cpp's chat-shaped logprobs on completions, sorting alternatives", () => {
    const tokens = tokenLogprobsOf(
      {
        content: [
          {
            id: 5,
            token: "7",
            logprob: -0.2,
            top_logprobs: [
              { token: "1", logprob: -3 },
              { token: "7", logprob: -0.2 },
            ],
          },
        ],
      },
      true,
    );
    expect(tokens).toEqual([
      {
        token: "7",
        logprob: -0.2,
        topLogprobs: [
          { token: "7", logprob: -0.2 },
          { token: "1", logprob: -3 },
        ],
      },
    ]);
    expect(
      tokenLogprobsOf({ tokens: ["a"], token_logprobs: [-1], top_logprobs: [{ a: -1, b: -2 }] }, false),
    ).toEqual([{ token: "a", logprob: -1 }]);
    expect(tokenLogprobsOf(null, true)).toBeUndefined();
  });

  it("keeps llama.cpp's token ids on alternatives, and leaves them out where none (or no valid one) is sent", () => {
    // llama.cpp's server (completions and chat, n_probs alike) sends `id` and `bytes` with each alternative.
    const tokens = tokenLogprobsOf(
      {
        content: [
          {
            id: 30,
            token: "",
            logprob: -0.5,
            bytes: [],
            top_logprobs: [
              { id: 31, token: "", logprob: -1.2, bytes: [] },
              { id: 30, token: "", logprob: -0.5, bytes: [] },
              { id: 2, token: "7", logprob: -2, bytes: [55] },
              { id: -1, token: "x", logprob: -3 },
              { id: "4", token: "y", logprob: -4 },
              { id: 1.5, token: "z", logprob: -5 },
            ],
          },
        ],
      },
      true,
    );
    expect(tokens?.[0]?.topLogprobs).toEqual([
      { token: "", logprob: -0.5, id: 30 },
      { token: "", logprob: -1.2, id: 31 },
      { token: "7", logprob: -2, id: 2 },
      { token: "x", logprob: -3 },
      { token: "y", logprob: -4 },
      { token: "z", logprob: -5 },
    ]);
    for (const top of tokens?.[0]?.topLogprobs?.slice(3) ?? []) expect("id" in top).toBe(false);
    // OpenAI's shapes carry no ids: chat's list and completions' map are read as before.
    const chat = tokenLogprobsOf(
      { content: [{ token: "a", logprob: -1, top_logprobs: [{ token: "a", logprob: -1, bytes: [97] }] }] },
      true,
    );
    const completions = tokenLogprobsOf(
      { tokens: ["a"], token_logprobs: [-1], top_logprobs: [{ a: -1, b: -2 }] },
      true,
    );
    for (const top of [...(chat?.[0]?.topLogprobs ?? []), ...(completions?.[0]?.topLogprobs ?? [])]) {
      expect(Object.keys(top)).toEqual(["token", "logprob"]);
    }
    expect(completions?.[0]?.topLogprobs).toEqual([
      { token: "a", logprob: -1 },
      { token: "b", logprob: -2 },
    ]);
  });

  it("maps finish reasons onto stop, length, abort and unknown", () => {
    expect(
      ["stop", "eos", "length", "max_tokens", "abort", "content_filter", null].map(finishReasonOf),
    ).toEqual(["stop", "stop", "length", "length", "abort", "unknown", "unknown"]);
  });

  it("parses whole responses, cached prompt tokens included, and refuses ones without choices", () => {
    const parsed = parseWholeResponse(
      {
        model: "m",
        choices: [
          { index: 1, message: { content: "b" }, finish_reason: "length" },
          { index: 0, message: { content: null }, finish_reason: "stop" },
        ],
        usage: { prompt_tokens: 10, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 8 } },
      },
      false,
    );
    expect(parsed.choices.map((choice) => [choice.index, choice.text, choice.finishReason])).toEqual([
      [0, "", "stop"],
      [1, "b", "length"],
    ]);
    expect(parsed.usage).toEqual({ promptTokens: 10, completionTokens: 3, cachedPromptTokens: 8 });
    expect(parsed.sawLogprobs).toBe(false);
    expect(() => parseWholeResponse({ object: "list" }, false)).toThrow(MalformedResponseError);
    expect(() => parseWholeResponse({ object: "error", message: "boom", code: 503 }, false)).toThrow(
      StreamErrorEvent,
    );
  });

  it("makes up the id of a call sent with an empty or no id, as the same call streamed gets", () => {
    const calls = [
      { id: "", type: "function", function: { name: "add", arguments: '{"a":1}' } },
      { type: "function", function: { name: "sub", arguments: "{}" } },
      { id: "call_x", type: "function", function: { name: "mul", arguments: "{}" } },
    ];
    const whole = parseWholeResponse(
      { choices: [{ message: { content: null, tool_calls: calls }, finish_reason: "tool_calls" }] },
      false,
    );
    expect(whole.choices[0]?.toolCalls?.map((call) => [call.id, call.name])).toEqual([
      ["call_0", "add"],
      ["call_1", "sub"],
      ["call_x", "mul"],
    ]);
    const assembler = new StreamAssembler(false);
    assembler.add({
      choices: [
        {
          index: 0,
          delta: { tool_calls: calls.map((call, index) => ({ index, ...call })) },
          finish_reason: "tool_calls",
        },
      ],
    });
    expect(assembler.result().choices[0]?.toolCalls).toEqual(whole.choices[0]?.toolCalls);
  });

  it("assembles interleaved stream chunks per choice and keeps the last usage", () => {
    const assembler = new StreamAssembler(false);
    assembler.add({ choices: [{ index: 1, delta: { role: "assistant", content: "" } }] });
    assembler.add({ choices: [{ index: 1, delta: { content: "B" } }] });
    assembler.add({ choices: [{ index: 0, text: "A" }] });
    assembler.add({ choices: [{ index: 1, delta: {}, finish_reason: "stop" }] });
    assembler.add({ choices: [], usage: { prompt_tokens: 2 } });
    const result = assembler.result();
    expect(result.choices.map((choice) => [choice.index, choice.text, choice.finishReason])).toEqual([
      [0, "A", "unknown"],
      [1, "B", "stop"],
    ]);
    expect(result.usage).toEqual({
      promptTokens: 2,
      completionTokens: undefined,
      cachedPromptTokens: undefined,
    });
    expect(() => assembler.add({ error: { message: "overloaded", code: 503 } })).toThrow(/overloaded/);
    expect(() => assembler.add([1, 2])).toThrow(MalformedResponseError);
  });
  it("adds up the usages llama.cpp's server streams per choice for n > 1, the prompt counted once", () => {
    const assembler = new StreamAssembler(false);
    const usage = (completion: number) => ({
      prompt_tokens: 25,
      completion_tokens: completion,
      prompt_tokens_details: { cached_tokens: 24 },
    });
    assembler.add({ choices: [{ index: 1, text: "B", finish_reason: null }] });
    assembler.add({ choices: [{ index: 0, text: "A", finish_reason: null }] });
    assembler.add({ choices: [{ index: 1, text: "", finish_reason: "length" }], usage: usage(6) });
    assembler.add({ choices: [{ index: 0, text: "", finish_reason: "stop" }], usage: usage(4) });
    expect(assembler.result().usage).toEqual({
      promptTokens: 25,
      completionTokens: 10,
      cachedPromptTokens: 24,
    });

    // A usage chunk without choices is the request's own, and wins.
    assembler.add({ choices: [], usage: { prompt_tokens: 25, completion_tokens: 12 } });
    expect(assembler.result().usage).toMatchObject({ promptTokens: 25, completionTokens: 12 });

    // One choice: its usage is the request's.
    const single = new StreamAssembler(false);
    single.add({ choices: [{ index: 0, text: "A", finish_reason: "stop" }], usage: usage(4) });
    expect(single.result().usage?.completionTokens).toBe(4);
  });

  it("raises a whole response's completion count to the tokens of its choices (llama.cpp counts one)", () => {
    const logprobs = (count: number) => ({
      content: Array.from({ length: count }, () => ({ token: "x", logprob: -0.1 })),
    });
    const parsed = parseWholeResponse(
      {
        choices: [
          { index: 0, text: "xxx", logprobs: logprobs(3) },
          { index: 1, text: "xxxxx", logprobs: logprobs(5) },
        ],
        usage: { prompt_tokens: 7, completion_tokens: 3 },
      },
      false,
    );
    expect(parsed.usage).toEqual({ promptTokens: 7, completionTokens: 8, cachedPromptTokens: undefined });
    // Without tokens to count, the reported count stands; a larger reported count is kept.
    const unknown = parseWholeResponse(
      { choices: [{ text: "a" }, { text: "b" }], usage: { completion_tokens: 1 } },
      false,
    );
    expect(unknown.usage?.completionTokens).toBe(1);
    const larger = parseWholeResponse(
      {
        choices: [
          { text: "x", logprobs: logprobs(1) },
          { text: "x", logprobs: logprobs(1) },
        ],
        usage: { completion_tokens: 4 },
      },
      false,
    );
    expect(larger.usage?.completionTokens).toBe(4);
  });

  it("reads which stop string ended a choice where vLLM and llama.cpp say it", () => {
    // vLLM: the matched string in `stop_reason`; a number there is a stop token's id.
    expect(stopSequenceOf({ finish_reason: "stop", stop_reason: "###" })).toBe("###");
    expect(stopSequenceOf({ finish_reason: "stop", stop_reason: 128009 })).toBeUndefined();
    expect(stopSequenceOf({ finish_reason: "stop", stop_reason: null })).toBeUndefined();
    // llama.cpp: `/completion` answers with stop_type and stopping_word; its OpenAI endpoints only in
    // `__verbose`, when the server runs verbose.
    expect(stopSequenceOf({}, { stop_type: "word", stopping_word: "</s>" })).toBe("</s>");
    expect(stopSequenceOf({}, { __verbose: { stop_type: "word", stopping_word: "\n\n" } })).toBe("\n\n");
    expect(stopSequenceOf({}, { stop_type: "eos", stopping_word: "" })).toBeUndefined();

    const whole = parseWholeResponse(
      {
        choices: [
          { index: 0, message: { content: "a" }, finish_reason: "stop", stop_reason: "END" },
          { index: 1, message: { content: "b" }, finish_reason: "length", stop_reason: "END" },
        ],
        usage: { prompt_tokens: 3, completion_tokens: 9, completion_tokens_details: { reasoning_tokens: 7 } },
      },
      false,
    );
    expect(whole.choices.map((choice) => choice.stopSequence)).toEqual(["END", undefined]);
    expect(whole.usage?.reasoningTokens).toBe(7);

    const assembler = new StreamAssembler(false);
    assembler.add({ choices: [{ index: 0, delta: { content: "a" }, finish_reason: null }] });
    assembler.add({ choices: [{ index: 0, delta: {}, finish_reason: "stop", stop_reason: "END" }] });
    assembler.add({
      choices: [],
      usage: { prompt_tokens: 3, completion_tokens: 1, completion_tokens_details: { reasoning_tokens: 0 } },
    });
    expect(assembler.result().choices[0]?.stopSequence).toBe("END");
    expect(assembler.result().usage?.reasoningTokens).toBe(0);
  });
});
