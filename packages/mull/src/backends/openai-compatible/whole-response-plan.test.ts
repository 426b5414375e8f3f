import { describe, expect, it } from "vitest";
import type { FakeOpenAIRequest, FakeReply } from "../../testing/fake-openai-server.ts";
import { useFakeServerBackends } from "./fake-server-backends.test-support.ts";
import { wholeResponsePlan } from "./whole-response-plan.ts";

const { fakeServer, backendFor } = useFakeServerBackends();

describe("wholeResponsePlan", () => {
  it("streams llama.cpp's n > 1 where streaming is allowed, else asks one choice a request", () => {
    expect(wholeResponsePlan({ n: 3, llamaCpp: true, streamAllowed: true })).toBe("streamed");
    expect(wholeResponsePlan({ n: 2, llamaCpp: true, streamAllowed: false })).toBe("one-per-choice");
  });

  it("sends a single choice, and any other server's n, whole as asked", () => {
    expect(wholeResponsePlan({ n: 1, llamaCpp: true, streamAllowed: true })).toBe("whole");
    expect(wholeResponsePlan({ n: 1, llamaCpp: true, streamAllowed: false })).toBe("whole");
    expect(wholeResponsePlan({ n: 4, llamaCpp: false, streamAllowed: true })).toBe("whole");
  });
});

/** Three choices of 3, 2 and 1 tokens: 6 completion tokens in all. */
const texts = ["one two three", "four five", "six"];
const prompt = { kind: "text", text: "Q: 2+2=? A:" } as const;

/**
 * Answers as llama.cpp's server does: a whole response of several choices reports the completion tokens
 * of its first choice only; a stream, and a single choice's response, count every token sent.
 */
function llamaCppUsage(request: FakeOpenAIRequest): FakeReply {
  const choices = texts.slice(0, request.n);
  if (request.stream || request.n === 1) return { choices };
  return { choices, usage: { promptTokens: 5, completionTokens: 3 } };
}

const llamaCppProps = { build_info: "b1-de3ff81" };

describe("createOpenAICompatibleBackend: usage of n > 1 in whole responses", () => {
  it("streams a call for whole responses from llama.cpp's server, so its usage counts every choice", async () => {
    const server = await fakeServer({ props: llamaCppProps, handler: llamaCppUsage });
    const backend = backendFor(server, { capabilities: { n: true, logprobs: true, topLogprobs: true } });
    const result = await backend.unstreamed().generate({ prompt, n: 3, seed: 5 });
    expect(result.completions.map((completion) => completion.text)).toEqual(texts);
    expect(result.usage).toMatchObject({ completionTokens: 6, calls: 1 });
    expect(server.requests.map((request) => [request.n, request.stream])).toEqual([[3, true]]);
  });

  it("asks llama.cpp's server one choice a request with stream: false, each whole and counted", async () => {
    const server = await fakeServer({ props: llamaCppProps, handler: llamaCppUsage });
    const backend = backendFor(server, {
      stream: false,
      capabilities: { n: true, logprobs: true, topLogprobs: true },
    });
    const result = await backend.generate({ prompt, n: 3, seed: 5 });
    // The fake answers every single request with the first text: 3 tokens each.
    expect(result.usage).toMatchObject({ completionTokens: 9, calls: 3 });
    expect(server.requests.map((request) => [request.n, request.stream, request.body?.seed]).sort()).toEqual([
      [1, false, 5],
      [1, false, 6],
      [1, false, 7],
    ]);
  });

  it("takes tokenizer: llama.cpp as saying the server is llama.cpp's, without its discovery", async () => {
    const server = await fakeServer({ handler: llamaCppUsage });
    const backend = backendFor(server, {
      tokenizer: "llama.cpp",
      capabilities: { n: true, logprobs: true, topLogprobs: true },
    });
    const result = await backend.unstreamed().generate({ prompt, n: 2 });
    expect(result.usage.completionTokens).toBe(5);
    expect(server.requests.map((request) => request.stream)).toEqual([true]);
  });

  it("sends a single choice from llama.cpp's server, and n > 1 to any other server, whole as asked", async () => {
    const llama = await fakeServer({ props: llamaCppProps, handler: llamaCppUsage });
    const capabilities = { n: true, logprobs: true, topLogprobs: true };
    const single = await backendFor(llama, { capabilities }).unstreamed().generate({ prompt, n: 1 });
    expect(single.usage.completionTokens).toBe(3);
    expect(llama.requests.map((request) => [request.n, request.stream])).toEqual([[1, false]]);

    // A vLLM-style server: whole responses of several choices whose usage sums every choice.
    const other = await fakeServer({
      version: "0.10.1",
      handler: (request) => ({ choices: texts.slice(0, request.n) }),
    });
    const result = await backendFor(other, { capabilities }).unstreamed().generate({ prompt, n: 3 });
    expect(result.usage.completionTokens).toBe(6);
    expect(other.requests.map((request) => [request.n, request.stream])).toEqual([[3, false]]);
  });
});
