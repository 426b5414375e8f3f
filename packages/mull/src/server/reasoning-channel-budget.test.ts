import Anthropic from "@anthropic-ai/sdk";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatMessage } from "../spec/index.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { type AssembledServer, assembleServer } from "./assemble-server.ts";
import { parseServerConfig } from "./config/index.ts";
import { listenServer, type RunningServer } from "./listen-server.ts";

// A thinking budget mull keeps by budget forcing, in front of an upstream that sends its thinking apart
// from the text (`reasoning_content`, as vLLM with a reasoning parser and llama-server do).

const answerCue = "\n\nFinal answer: ";
const words = (count: number) => Array.from({ length: count }, (_, index) => `step${index}`).join(" ");

let upstream: FakeOpenAIServer;
let assembled: AssembledServer;
let running: RunningServer;

beforeAll(async () => {
  upstream = await startFakeOpenAIServer({
    handler: (request) => {
      const body = request.body ?? {};
      const messages = body.messages as ChatMessage[];
      const maxTokens = typeof body.max_tokens === "number" ? body.max_tokens : 1_000;
      if (body.continue_final_message === true && messages.at(-1)?.content.endsWith(answerCue)) {
        // The answer after the cue: as text, or (a parser that reads it as thinking) as reasoning only.
        const choice =
          body.model === "answer-as-reasoning-model" ? { reasoning: "42", text: "" } : { text: "42" };
        return { choices: [{ ...choice, finishReason: "stop" }], usage: { completionTokens: 1 } };
      }
      if (body.model === "short-model") {
        // Thinks 7 tokens, then answers: within any budget above 7.
        return {
          choices: [{ reasoning: words(7), text: "#### 5", finishReason: "stop" }],
          usage: { completionTokens: 9, reasoningTokens: 7 },
        };
      }
      // Would think 200 tokens: cut at max_tokens, with nothing written as text.
      const thought = Math.min(200, maxTokens);
      return {
        choices: [{ reasoning: words(thought), text: "", finishReason: thought < 200 ? "length" : "stop" }],
        usage: { completionTokens: thought, reasoningTokens: thought },
      };
    },
  });
  const config = parseServerConfig({
    server: { keepAliveMilliseconds: 50 },
    upstreams: [
      {
        name: "reasoner",
        baseUrl: upstream.url,
        models: ["short-model", "long-model", "answer-as-reasoning-model"],
        allowedNetworks: ["127.0.0.1/32"],
        scorer: "none",
      },
    ],
  });
  assembled = await assembleServer(config, { logger: pino({ level: "silent" }) });
  running = await listenServer(assembled.server, { host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await running?.shutdown(1_000);
  await assembled?.dispose();
  await upstream?.close();
});

// biome-ignore lint/suspicious/noExplicitAny: the tests read OpenAI's JSON shapes as they come.
type Json = any;

async function chat(body: object): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${running.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ messages: [{ role: "user", content: "What is 6 times 7?" }], ...body }),
  });
  return { status: response.status, json: (await response.json()) as Json };
}

const callsSince = (before: number) =>
  upstream.requests
    .slice(before)
    .filter((request) => request.endpoint === "chat" && request.body?.max_tokens !== 1);

describe("a thinking budget mull keeps over an upstream that sends reasoning apart", () => {
  it("returns thinking that ended within the budget as reasoning, with the upstream's count", async () => {
    const before = upstream.requests.length;
    const { status, json } = await chat({
      model: "short-model",
      max_tokens: 300,
      mull: { reasoning_budget: 50 },
    });
    expect(status).toBe(200);
    expect(callsSince(before).map((call) => call.body?.max_tokens)).toEqual([50]);
    const message = json.choices[0].message;
    expect(message.content).toBe("#### 5");
    expect(message.reasoning_content).toBe(words(7));
    expect(json.usage.completion_tokens_details.reasoning_tokens).toBe(7);
    expect(json.usage.completion_tokens).toBe(9);
    expect(json.mull.usage.reasoning_tokens).toBe(7);
  });

  it("cuts the thinking at the budget and asks for the answer after it", async () => {
    const before = upstream.requests.length;
    const { status, json } = await chat({
      model: "long-model",
      max_tokens: 300,
      mull: { reasoning_budget: 50 },
    });
    expect(status).toBe(200);
    const calls = callsSince(before);
    expect(calls.map((call) => call.body?.max_tokens)).toHaveLength(2);
    expect(calls[0]?.body?.max_tokens).toBe(50);
    // The thinking goes back as the assistant prefix, the answer cue after it.
    expect(calls[1]?.body?.continue_final_message).toBe(true);
    expect((calls[1]?.body?.messages as ChatMessage[]).at(-1)).toEqual({
      role: "assistant",
      content: `${words(50)}${answerCue}`,
    });
    const choice = json.choices[0];
    expect(choice.finish_reason).toBe("stop");
    expect(choice.message.content).toBe("Final answer: 42");
    expect(choice.message.reasoning_content).toBe(words(50));
    expect(json.usage.completion_tokens_details.reasoning_tokens).toBe(50);
    expect(json.usage.completion_tokens).toBe(51);
    expect(json.mull).toMatchObject({ strategy: "force@50", answer: "42", usage: { reasoning_tokens: 50 } });
  });

  it("takes a forced answer the upstream sent as reasoning as the answer", async () => {
    const { status, json } = await chat({
      model: "answer-as-reasoning-model",
      max_tokens: 300,
      mull: { reasoning_budget: 50 },
    });
    expect(status).toBe(200);
    expect(json.choices[0].message.content).toBe("Final answer: 42");
    expect(json.choices[0].message.reasoning_content).toBe(words(50));
    expect(json.mull.answer).toBe("42");
  });

  it("keeps it for each of sc@3's samples, summing their reasoning tokens", async () => {
    const { status, json } = await chat({
      model: "sc@3:long-model",
      max_tokens: 300,
      temperature: 0.7,
      mull: { reasoning_budget: 20 },
    });
    expect(status).toBe(200);
    expect(json.mull).toMatchObject({ strategy: "force@3x20", answer: "42", votes: { "42": 3 } });
    expect(json.usage.completion_tokens_details.reasoning_tokens).toBe(3 * 20);
  });

  it("serves Anthropic's thinking.budget_tokens as a thinking block and the answer", async () => {
    const client = new Anthropic({ baseURL: running.url, apiKey: "unused", maxRetries: 0 });
    const short = await client.messages.create({
      model: "short-model",
      max_tokens: 300,
      thinking: { type: "enabled", budget_tokens: 50 },
      messages: [{ role: "user", content: "What is 2 plus 3?" }],
    });
    expect(short.content).toEqual([
      { type: "thinking", thinking: words(7), signature: expect.any(String) },
      { type: "text", text: "#### 5" },
    ]);
    expect((short as unknown as { mull: Json }).mull.usage.reasoning_tokens).toBe(7);

    const long = await client.messages.create({
      model: "long-model",
      max_tokens: 300,
      thinking: { type: "enabled", budget_tokens: 50 },
      messages: [{ role: "user", content: "What is 6 times 7?" }],
    });
    expect(long.content.map((block) => block.type)).toEqual(["thinking", "text"]);
    const [thinking, text] = long.content;
    expect(thinking?.type === "thinking" && thinking.thinking).toBe(words(50));
    expect(text).toEqual({ type: "text", text: "Final answer: 42" });
    expect(long.usage.output_tokens).toBe(51);
    expect((long as unknown as { mull: Json }).mull.usage.reasoning_tokens).toBe(50);
  });
});
