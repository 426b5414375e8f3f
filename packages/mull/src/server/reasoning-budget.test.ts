import Anthropic from "@anthropic-ai/sdk";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRng } from "../runtime/index.ts";
import type { ChatMessage } from "../spec/index.ts";
import {
  type FakeChoice,
  type FakeOpenAIServer,
  startFakeOpenAIServer,
} from "../testing/fake-openai-server.ts";
import { scriptedThinking } from "../testing/scripted-thinking.ts";
import { type AssembledServer, assembleServer } from "./assemble-server.ts";
import { parseServerConfig } from "./config/index.ts";
import { listenServer, type RunningServer } from "./listen-server.ts";

// Thinking budgets through the proxy: kept by mull with budget forcing in front of an upstream that would
// think for 200 tokens, or sent to upstreams that keep one themselves (vLLM's and llama.cpp's fields).

const answerCue = "\n\nFinal answer: ";
/** 200 word tokens of thinking, then an answer the budget never lets it reach. */
const trace = `${Array.from({ length: 200 }, (_, index) => ` step${index}`).join("")}${answerCue}41`;

/** The tool of a coding agent's request, and the call the model answers it with. */
const readFileTool = {
  type: "function" as const,
  function: { name: "read_file", parameters: { type: "object", properties: { path: { type: "string" } } } },
};
const readFile: FakeChoice = { toolCalls: [{ name: "read_file", arguments: '{"path":"a.ts"}' }] };

/** Thinking as words, `count` tokens of it. */
const words = (count: number) => Array.from({ length: count }, (_, index) => `step${index}`).join(" ");

let thinker: FakeOpenAIServer;
let keeper: FakeOpenAIServer;
/** Sends its thinking apart from the text (`reasoning_content`), as vLLM with a reasoning parser and llama-server do. */
let reasoner: FakeOpenAIServer;
let assembled: AssembledServer;
let running: RunningServer;

beforeAll(async () => {
  const respond = scriptedThinking({ traces: [trace], answerCue, answer: () => "42" });
  thinker = await startFakeOpenAIServer({
    handler: (request) => {
      const body = request.body ?? {};
      // Offered tools, the model calls one (as a coding agent's model does).
      if (body.tools !== undefined) return { choices: Array(request.n).fill(readFile) };
      const completion = respond(
        {
          prompt: {
            kind: "chat",
            messages: body.messages as ChatMessage[],
            continueFinalMessage: body.continue_final_message === true,
          },
          maxTokens: typeof body.max_tokens === "number" ? body.max_tokens : undefined,
        },
        0,
        seededRng(0),
      );
      return {
        choices: Array.from({ length: request.n }, () =>
          typeof completion === "string"
            ? completion
            : { text: completion.text, finishReason: completion.finishReason },
        ),
      };
    },
  });
  keeper = await startFakeOpenAIServer({
    handler: (request) => ({ choices: Array(request.n).fill("It is 42.") }),
  });
  reasoner = await startFakeOpenAIServer({
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
  const upstream = (name: string, url: string, models: string[], reasoningBudget?: string) => ({
    name,
    baseUrl: url,
    models,
    allowedNetworks: ["127.0.0.1/32"],
    scorer: "none",
    ...(reasoningBudget === undefined ? {} : { reasoningBudget }),
  });
  const config = parseServerConfig({
    server: { keepAliveMilliseconds: 50 },
    upstreams: [
      upstream("thinker", thinker.url, ["think-model"]),
      upstream("vllm", keeper.url, ["vllm-model"], "vllm"),
      upstream("llama", keeper.url, ["llama-model"], "llama.cpp"),
      upstream("reasoner", reasoner.url, ["short-model", "long-model", "answer-as-reasoning-model"]),
    ],
  });
  assembled = await assembleServer(config, { logger: pino({ level: "silent" }) });
  running = await listenServer(assembled.server, { host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await running?.shutdown(1_000);
  await assembled?.dispose();
  await thinker?.close();
  await keeper?.close();
  await reasoner?.close();
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

/** The generation calls `fake` got since `before`, with what each asked for. */
const callsSince = (fake: FakeOpenAIServer, before: number) =>
  fake.requests
    .slice(before)
    .filter((request) => request.endpoint === "chat" && request.body?.max_tokens !== 1);

describe("a thinking budget mull keeps by budget forcing", () => {
  it("cuts 200 tokens of thinking at 50, asks for the answer, and reports 50 reasoning tokens", async () => {
    const before = thinker.requests.length;
    const { status, json } = await chat({
      model: "think-model",
      max_tokens: 100,
      mull: { reasoning_budget: 50 },
    });
    expect(status).toBe(200);
    const calls = callsSince(thinker, before);
    expect(calls.map((call) => call.body?.max_tokens)).toEqual([50, 50]);
    const lastMessage = (calls[1]?.body?.messages as ChatMessage[]).at(-1);
    expect(lastMessage?.role).toBe("assistant");
    expect(lastMessage?.content.endsWith(answerCue)).toBe(true);
    const message = json.choices[0].message;
    expect(message.content).toBe("Final answer: 42");
    expect(message.reasoning_content.split(" ")).toHaveLength(50);
    expect(message.reasoning_content.endsWith("step49")).toBe(true);
    expect(json.usage.completion_tokens_details.reasoning_tokens).toBe(50);
    expect(json.usage.completion_tokens).toBe(51);
    expect(json.mull).toMatchObject({ strategy: "force@50", answer: "42", usage: { reasoning_tokens: 50 } });
  });

  it("keeps it for each of sc@3's samples, which vote", async () => {
    const { status, json } = await chat({
      model: "sc@3:think-model",
      max_tokens: 100,
      temperature: 0.7,
      mull: { reasoning_budget: 20 },
    });
    expect(status).toBe(200);
    expect(json.mull).toMatchObject({ strategy: "force@3x20", answer: "42", votes: { "42": 3 } });
    expect(json.usage.completion_tokens_details.reasoning_tokens).toBe(3 * 20);
    expect(json.usage.completion_tokens).toBe(3 * 21);
  });

  it("serves Anthropic's thinking.budget_tokens as a thinking block and the answer", async () => {
    const client = new Anthropic({ baseURL: running.url, apiKey: "unused", maxRetries: 0 });
    const message = await client.messages.create({
      model: "think-model",
      max_tokens: 100,
      thinking: { type: "enabled", budget_tokens: 50 },
      messages: [{ role: "user", content: "What is 6 times 7?" }],
    });
    expect(message.content.map((block) => block.type)).toEqual(["thinking", "text"]);
    const [thinking, text] = message.content;
    expect(thinking?.type === "thinking" && thinking.thinking.split(" ")).toHaveLength(50);
    expect(text).toEqual({ type: "text", text: "Final answer: 42" });
    expect(message.usage.output_tokens).toBe(51);
    expect((message as unknown as { mull: Json }).mull.usage.reasoning_tokens).toBe(50);

    const stream = client.messages.stream({
      model: "think-model",
      max_tokens: 100,
      thinking: { type: "enabled", budget_tokens: 50 },
      messages: [{ role: "user", content: "What is 6 times 7?" }],
    });
    const deltas: string[] = [];
    for await (const event of stream) if (event.type === "content_block_delta") deltas.push(event.delta.type);
    // The thinking word by word, then the answer word by word.
    expect(deltas).toEqual([...Array(50).fill("thinking_delta"), ...Array(3).fill("text_delta")]);
    expect((await stream.finalMessage()).content).toEqual(message.content);
  });

  it("refuses budgets it cannot keep, naming the field", async () => {
    const cases: [object, RegExp][] = [
      [
        { model: "think-model", mull: { reasoning_budget: 0 } },
        /^mull\.reasoning_budget must be a positive integer/,
      ],
      [
        { model: "think-model", mull: { reasoning_budget: "50" } },
        /^mull\.reasoning_budget must be a positive integer/,
      ],
      [
        { model: "think-model", max_tokens: 50, mull: { reasoning_budget: 50 } },
        /must be less than max_tokens \(50\)/,
      ],
      [
        { model: "asc@4:think-model", temperature: 0.7, mull: { reasoning_budget: 50 } },
        /under strategy asc@4/,
      ],
    ];
    for (const [body, message] of cases) {
      const { status, json } = await chat(body);
      expect(status).toBe(400);
      expect(json.error.param).toBe("mull.reasoning_budget");
      expect(json.error.message).toMatch(message);
    }
  });
});

/** The note of a budget mull could not keep because the request offers tools. */
const notKept =
  /^the thinking budget of 50 tokens \(mull\.reasoning_budget, or thinking\.budget_tokens on \/v1\/messages\) was not enforced: model think-model's upstream does not keep a thinking budget .*budget forcing cannot end a trace in tool calls; the request was served without it$/;

describe("a thinking budget mull would keep, on a request with tools", () => {
  it("passes the request through unforced and says so in mull.notes (chat completions)", async () => {
    const before = thinker.requests.length;
    const { status, json } = await chat({
      model: "think-model",
      max_tokens: 100,
      mull: { reasoning_budget: 50 },
      tools: [readFileTool],
    });
    expect(status).toBe(200);
    // One call, asking for all of max_tokens: no thinking was cut and no answer cue appended.
    const calls = callsSince(thinker, before);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.body).toMatchObject({ max_tokens: 100, tools: [readFileTool] });
    expect(calls[0]?.body?.continue_final_message).toBeUndefined();
    expect(json.choices[0].finish_reason).toBe("tool_calls");
    expect(json.choices[0].message.tool_calls[0].function).toEqual({
      name: "read_file",
      arguments: '{"path":"a.ts"}',
    });
    expect(Object.keys(json.mull)).toEqual(["notes"]);
    expect(json.mull.notes).toHaveLength(1);
    expect(json.mull.notes[0]).toMatch(notKept);
  });

  it("runs sc@3 as asked rather than budget forcing, with the note first", async () => {
    const before = thinker.requests.length;
    const { status, json } = await chat({
      model: "sc@3:think-model",
      max_tokens: 100,
      temperature: 0.7,
      mull: { reasoning_budget: 50 },
      tools: [readFileTool],
    });
    expect(status).toBe(200);
    expect(json.mull).toMatchObject({ strategy: "sc@3", votes: { 'tool:read_file({"path":"a.ts"})': 3 } });
    expect(json.mull.notes[0]).toMatch(notKept);
    expect(callsSince(thinker, before).map((call) => call.body?.max_tokens)).toEqual([100, 100, 100]);
  });

  it("serves Claude Code's thinking budget with tools on /v1/messages, whole and streamed", async () => {
    const request = {
      model: "think-model",
      max_tokens: 100,
      thinking: { type: "enabled" as const, budget_tokens: 50 },
      tools: [{ name: "read_file", input_schema: { type: "object" as const } }],
      messages: [{ role: "user" as const, content: "Read a.ts" }],
    };
    const client = new Anthropic({ baseURL: running.url, apiKey: "unused", maxRetries: 0 });
    const message = await client.messages.create(request);
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content).toMatchObject([{ type: "tool_use", name: "read_file", input: { path: "a.ts" } }]);
    const notes = (message as unknown as { mull: Json }).mull.notes;
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(notKept);

    const response = await fetch(`${running.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...request, stream: true }),
    });
    expect(response.status).toBe(200);
    const events = (await response.text())
      .split("\n")
      .filter((line) => line.startsWith("data: "))
      .map((line) => JSON.parse(line.slice(6)) as Json);
    const delta = events.find((event) => event.type === "message_delta");
    expect(delta.delta.stop_reason).toBe("tool_use");
    expect(delta.mull.notes[0]).toMatch(notKept);
  });
});

describe("a thinking budget an upstream keeps", () => {
  it("is sent with the request's tools", async () => {
    const before = keeper.requests.length;
    const { status, json } = await chat({
      model: "vllm-model",
      max_tokens: 100,
      mull: { reasoning_budget: 50 },
      tools: [readFileTool],
    });
    expect(status).toBe(200);
    const calls = keeper.requests.slice(before).filter((request) => request.endpoint === "chat");
    expect(calls).toHaveLength(1);
    expect(calls[0]?.body).toMatchObject({ thinking_token_budget: 50, tools: [readFileTool] });
    expect(json.mull).toBeUndefined();
  });

  for (const [model, field] of [
    ["vllm-model", "thinking_token_budget"],
    ["llama-model", "thinking_budget_tokens"],
  ] as const) {
    it(`is sent to ${model} as ${field}, in one call`, async () => {
      const before = keeper.requests.length;
      const { status, json } = await chat({ model, max_tokens: 100, mull: { reasoning_budget: 50 } });
      expect(status).toBe(200);
      expect(json.choices[0].message.content).toBe("It is 42.");
      const calls = keeper.requests.slice(before).filter((request) => request.endpoint === "chat");
      expect(calls).toHaveLength(1);
      expect(calls[0]?.body?.[field]).toBe(50);
      expect(json.mull).toBeUndefined();
    });
  }
});

describe("a thinking budget mull keeps over an upstream that sends reasoning apart", () => {
  it("returns thinking that ended within the budget as reasoning, with the upstream's count", async () => {
    const before = reasoner.requests.length;
    const { status, json } = await chat({
      model: "short-model",
      max_tokens: 300,
      mull: { reasoning_budget: 50 },
    });
    expect(status).toBe(200);
    expect(callsSince(reasoner, before).map((call) => call.body?.max_tokens)).toEqual([50]);
    const message = json.choices[0].message;
    expect(message.content).toBe("#### 5");
    expect(message.reasoning_content).toBe(words(7));
    expect(json.usage.completion_tokens_details.reasoning_tokens).toBe(7);
    expect(json.usage.completion_tokens).toBe(9);
    expect(json.mull.usage.reasoning_tokens).toBe(7);
  });

  it("cuts the thinking at the budget and asks for the answer after it", async () => {
    const before = reasoner.requests.length;
    const { status, json } = await chat({
      model: "long-model",
      max_tokens: 300,
      mull: { reasoning_budget: 50 },
    });
    expect(status).toBe(200);
    const calls = callsSince(reasoner, before);
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
