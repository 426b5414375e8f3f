import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import type { GenerationRequest } from "../../spec/index.ts";
import { type BodySettings, requestBody } from "./request-body.ts";

const settings: BodySettings = {
  endpoint: "completions",
  model: "gpt-test",
  n: 1,
  seed: undefined,
  logprobs: false,
  stream: false,
  samplingExtras: false,
};

const openAI: BodySettings = { ...settings, maxStopSequences: 4 };

/** The error `run` throws, or `undefined` when it returns. */
function refusal(run: () => unknown): unknown {
  try {
    run();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe("requestBody: stop strings", () => {
  const withStops = (stop: readonly string[], promptStop?: readonly string[]): GenerationRequest => ({
    prompt: { kind: "text", text: "Q: 2*3?\nA:", ...(promptStop === undefined ? {} : { stop: promptStop }) },
    stop,
  });

  it("sends the request's stop strings, then its prompt's, up to the server's limit", () => {
    expect(requestBody(withStops(["a", "b", "c"], ["\n\nQ:"]), openAI).stop).toEqual([
      "a",
      "b",
      "c",
      "\n\nQ:",
    ]);
    expect(requestBody(withStops(["a", "b", "c", "d"]), openAI).stop).toEqual(["a", "b", "c", "d"]);
  });

  it("sends any number where the server sets no limit (vLLM, llama.cpp)", () => {
    const stop = ["a", "b", "c", "d", "e", "f"];
    expect(requestBody(withStops(stop, ["\n\nQ:"]), settings).stop).toEqual([...stop, "\n\nQ:"]);
  });

  it("refuses more stop strings than the server takes, naming the field, the count and the limit", () => {
    const error = refusal(() => requestBody(withStops(["a", "b", "c", "d", "e"]), openAI));
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).field).toBe("stop");
    expect((error as ConfigError).message).toBe(
      "generate: stop holds 5 stop strings; this server takes at most 4 in one request; expected at most 4",
    );
  });

  it("counts the prompt's own stop strings, and says how many the request may add to them", () => {
    const error = refusal(() => requestBody(withStops(["a", "b", "c", "d"], ["\n\nQ:", "a"]), openAI));
    expect((error as ConfigError).field).toBe("stop");
    expect((error as ConfigError).message).toBe(
      "generate: stop holds 5 stop strings, 4 given in the request and 1 more its prompt stops at; " +
        "this server takes at most 4 in one request; expected at most 3 in the request beside its prompt's",
    );
  });

  it("says so when the prompt alone stops at more than the server takes", () => {
    const error = refusal(() => requestBody(withStops([], ["1", "2", "3", "4", "5"]), openAI));
    expect((error as ConfigError).message).toMatch(/expected a prompt that stops at 4 strings at most$/);
  });

  it("leaves a stop the caller sets in extraBody as it is: it replaces the joined list", () => {
    const request = { ...withStops(["a", "b", "c", "d", "e"]), extraBody: { stop: ["only"] } };
    expect(requestBody(request, openAI).stop).toEqual(["only"]);
  });
});
