import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { fakeUpstream, serveFakeUpstream } from "./replicas.test-support.ts";

// What upstreams report beside the text reaches the client: the stop string that ended a completion
// (vLLM's `stop_reason`), and the reasoning of an upstream that keeps the thinking budget (its
// `reasoning_content` and `completion_tokens_details.reasoning_tokens`).

const key = "sk-upstream-reports";
const thinking = "Six times seven: seven, fourteen, twenty-one, twenty-eight, thirty-five, forty-two.";

const served = serveFakeUpstream({
  apiKey: key,
  server: { keepAliveMilliseconds: 50 },
  upstreams: (url) => [
    fakeUpstream("fake", url),
    { ...fakeUpstream("vllm", url, ["vllm-model"]), reasoningBudget: "vllm" },
  ],
  handler: (request) => {
    const stop = request.body?.stop;
    if (Array.isArray(stop) && stop.includes("STOP")) {
      return {
        choices: Array.from({ length: request.n }, () => ({ text: "It is 42.", stopReason: "STOP" })),
      };
    }
    if (request.body?.thinking_token_budget !== undefined) {
      return {
        choices: Array.from({ length: request.n }, () => ({
          text: "It is 42.\n#### 42",
          reasoning: thinking,
        })),
        usage: { reasoningTokens: 12 },
      };
    }
    return { choices: Array.from({ length: request.n }, () => "It is 42.\n#### 42") };
  },
});

// biome-ignore lint/suspicious/noExplicitAny: the tests read OpenAI's JSON shapes as they come.
type Json = any;

async function chat(body: object): Promise<Response> {
  return fetch(`${served.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ messages: [{ role: "user", content: "What is 6 times 7?" }], ...body }),
  });
}

/** The `data:` payloads of a whole SSE body. */
async function chunksOf(response: Response): Promise<Json[]> {
  return (await response.text())
    .split("\n\n")
    .filter((event) => event.startsWith("data: ") && event !== "data: [DONE]")
    .map((event) => JSON.parse(event.slice(6)));
}

const anthropic = () => new Anthropic({ baseURL: served.url, apiKey: key, maxRetries: 0 });

describe("the stop string that ended a completion", () => {
  for (const model of ["fake-model", "sc@3:fake-model"]) {
    it(`is Anthropic's stop_sequence under ${model}, whole and streamed`, async () => {
      const body = {
        model,
        max_tokens: 64,
        stop_sequences: ["STOP", "END"],
        messages: [{ role: "user" as const, content: "What is 6 times 7?" }],
      };
      const message = await anthropic().messages.create(body);
      expect(message.stop_reason).toBe("stop_sequence");
      expect(message.stop_sequence).toBe("STOP");
      const stream = anthropic().messages.stream(body);
      const final = await stream.finalMessage();
      expect(final.stop_reason).toBe("stop_sequence");
      expect(final.stop_sequence).toBe("STOP");
      expect(final.content).toEqual([{ type: "text", text: "It is 42." }]);
    });
  }

  it("is end_turn with no stop_sequence when the upstream does not name one", async () => {
    const message = await anthropic().messages.create({
      model: "fake-model",
      max_tokens: 64,
      stop_sequences: ["END"],
      messages: [{ role: "user", content: "What is 6 times 7?" }],
    });
    expect(message.stop_reason).toBe("end_turn");
    expect(message.stop_sequence).toBeNull();
  });

  it("keeps OpenAI's finish_reason stop", async () => {
    const response = await chat({ model: "fake-model", stop: ["STOP"] });
    const json = (await response.json()) as Json;
    expect(json.choices[0].finish_reason).toBe("stop");
    expect(json.choices[0].message).toEqual({ role: "assistant", content: "It is 42." });
  });
});

describe("reasoning from an upstream that keeps the thinking budget", () => {
  it("is returned apart, its tokens in the usage", async () => {
    const response = await chat({ model: "vllm-model", max_tokens: 100, mull: { reasoning_budget: 50 } });
    const json = (await response.json()) as Json;
    expect(json.choices[0].message.reasoning_content).toBe(thinking);
    expect(json.usage.completion_tokens_details).toEqual({ reasoning_tokens: 12 });
  });

  it("sums every sample's reasoning tokens under sc@3", async () => {
    const response = await chat({
      model: "sc@3:vllm-model",
      max_tokens: 100,
      mull: { reasoning_budget: 50 },
    });
    const json = (await response.json()) as Json;
    expect(json.choices[0].message.reasoning_content).toBe(thinking);
    expect(json.usage.completion_tokens_details).toEqual({ reasoning_tokens: 36 });
    expect(json.mull.usage.reasoning_tokens).toBe(36);
  });

  it("is relayed as reasoning_content deltas by a streamed pass-through, before the text", async () => {
    const response = await chat({
      model: "vllm-model",
      max_tokens: 100,
      stream: true,
      stream_options: { include_usage: true },
      mull: { reasoning_budget: 50 },
    });
    const chunks = await chunksOf(response);
    const deltas = chunks.flatMap((chunk) => chunk.choices.map((choice: Json) => choice.delta));
    const reasoning = deltas.filter((delta) => typeof delta.reasoning_content === "string");
    expect(reasoning.length).toBe(thinking.split(" ").length);
    expect(reasoning.map((delta) => delta.reasoning_content).join("")).toBe(thinking);
    const firstText = deltas.findIndex((delta) => typeof delta.content === "string" && delta.content !== "");
    expect(deltas.indexOf(reasoning.at(-1))).toBeLessThan(firstText);
    expect(
      deltas
        .map((delta) => delta.content)
        .filter((text) => typeof text === "string")
        .join(""),
    ).toBe("It is 42.\n#### 42");
    expect(chunks.at(-1).usage.completion_tokens_details).toEqual({ reasoning_tokens: 12 });
  });

  it("streams as a thinking block on /v1/messages", async () => {
    const stream = anthropic().messages.stream({
      model: "vllm-model",
      max_tokens: 100,
      thinking: { type: "enabled", budget_tokens: 50 },
      messages: [{ role: "user", content: "What is 6 times 7?" }],
    });
    const final = await stream.finalMessage();
    expect(final.content).toEqual([
      { type: "thinking", thinking, signature: "" },
      { type: "text", text: "It is 42.\n#### 42" },
    ]);
  });
});
