import { describe, expect, it } from "vitest";
import {
  finishReasonOf,
  MalformedResponseError,
  parseWholeResponse,
  StreamErrorEvent,
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
});
