import { describe, expect, it } from "vitest";
import type { Backend, Completion } from "../spec/index.ts";
import { createScriptedBackend, testStrategyContext } from "../testing/index.ts";
import { completionCallsAnswer } from "./completion-calls-answer.ts";
import { generateRecorded } from "./generate-recorded.ts";

const weather = (args: string, finishReason: Completion["finishReason"] = "stop") => ({
  finishReason,
  toolCalls: [{ id: "call_1", name: "get_weather", arguments: args }],
});

describe("completionCallsAnswer", () => {
  it("answers with the calls' canonical key when they ended whole", () => {
    expect(completionCallsAnswer(weather('{ "city" : "Paris" }'))).toBe('tool:get_weather({"city":"Paris"})');
    // No arguments at all reads as {}, as canonicalArguments reads it.
    expect(completionCallsAnswer(weather(""))).toBe("tool:get_weather({})");
  });

  it("answers nothing for calls cut at the token limit, even where their arguments parse", () => {
    expect(completionCallsAnswer(weather('{"city":"Pa', "length"))).toBeUndefined();
    expect(completionCallsAnswer(weather('{"city":"Paris"}', "length"))).toBeUndefined();
  });

  it("answers nothing when any call's arguments are not JSON", () => {
    const twoCalls = {
      finishReason: "stop" as const,
      toolCalls: [
        { id: "call_1", name: "get_time", arguments: "{}" },
        { id: "call_2", name: "get_weather", arguments: '{"city": Paris}' },
      ],
    };
    expect(completionCallsAnswer(twoCalls)).toBeUndefined();
  });

  it("answers nothing for a completion that made no calls", () => {
    expect(completionCallsAnswer({ finishReason: "stop" })).toBeUndefined();
    expect(completionCallsAnswer({ finishReason: "stop", toolCalls: [] })).toBeUndefined();
  });
});

/** A backend whose completions end in the calls given, one completion each, in order. */
function callingBackend(calls: readonly ReturnType<typeof weather>[]): Backend {
  const inner = createScriptedBackend({ responses: [""] });
  let next = 0;
  return {
    describe: () => inner.describe(),
    capabilities: (options) => inner.capabilities(options),
    async generate(request, options) {
      const result = await inner.generate(request, options);
      return {
        ...result,
        completions: result.completions.map((completion) => {
          const call = calls[next % calls.length];
          next += 1;
          return { ...completion, ...call };
        }),
      };
    },
  };
}

describe("generateRecorded: completions that end in function calls", () => {
  it("gives a call cut at the token limit no answer, and the whole call its key", async () => {
    const backend = callingBackend([
      weather('{"city":"Pa', "length"),
      weather('{"city":"Pa', "length"),
      weather('{"city":"Pa', "length"),
      weather('{"city":"Lyon"}'),
    ]);
    const context = testStrategyContext({ backend });
    const { completions } = await generateRecorded({
      context,
      prompt: { kind: "chat", messages: [{ role: "user", content: "Weather in Paris?" }] },
      n: 4,
      extractAnswers: true,
    });
    // Before: the three cut calls answered 'tool:get_weather({"city": "Pa)' and outvoted Lyon.
    expect(completions.map((completion) => completion.answer)).toEqual([
      undefined,
      undefined,
      undefined,
      'tool:get_weather({"city":"Lyon"})',
    ]);
    // The cut calls are returned all the same: the strategy counts them as samples that chose calls.
    expect(completions.map((completion) => completion.finishReason)).toEqual([
      "length",
      "length",
      "length",
      "stop",
    ]);
  });
});
