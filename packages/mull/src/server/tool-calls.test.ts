import OpenAI from "openai";
import { beforeEach, describe, expect, it } from "vitest";
import type { FakeChoice } from "../testing/fake-openai-server.ts";
import { serveFakeUpstream } from "./replicas.test-support.ts";

// Tool calls through the proxy, over loopback, against the fake upstream: forwarded fields, calls returned
// as they came, and calls voted under a strategy.

const key = "sk-tool-calls";
/** The choices given, in arrival order, to upstream requests that offer tools; then plain text. */
let script: FakeChoice[] = [];

const tools = [
  {
    type: "function" as const,
    function: {
      name: "get_weather",
      description: "The weather in a city",
      parameters: { type: "object", properties: { city: { type: "string" }, unit: { type: "string" } } },
    },
  },
];

const weather = (args: string): FakeChoice => ({ toolCalls: [{ name: "get_weather", arguments: args }] });

const served = serveFakeUpstream({
  apiKey: key,
  server: { keepAliveMilliseconds: 50 },
  handler: (request) => ({
    choices: Array.from({ length: request.n }, () =>
      request.body?.tools === undefined ? "ok" : (script.shift() ?? "It is sunny.\n#### 21"),
    ),
  }),
});
/** The replica's OpenAI base URL, as the clients take it. */
const baseURL = () => `${served.url}/v1`;

beforeEach(() => {
  script = [];
});

// biome-ignore lint/suspicious/noExplicitAny: the tests read OpenAI's JSON shapes as they come.
type Json = any;

async function post(body: object): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${baseURL()}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Json };
}

const client = () => new OpenAI({ baseURL: baseURL(), apiKey: key, maxRetries: 0 });

describe("a plain request", () => {
  it("forwards the fields mull does not model and returns the upstream's tool calls", async () => {
    script = [weather('{"city": "Paris"}')];
    const before = served.fake.requests.length;
    const { status, json } = await post({
      model: "fake-model",
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools,
      tool_choice: "auto",
      parallel_tool_calls: false,
      response_format: { type: "text" },
      logit_bias: { "42": -5 },
      user: "user-7",
      top_k: 20,
      min_p: 0.05,
      chat_template_kwargs: { enable_thinking: false },
    });
    expect(status).toBe(200);
    const sent = served.fake.requests
      .slice(before)
      .find((request) => request.body?.tools !== undefined)?.body;
    expect(sent).toMatchObject({
      tools,
      tool_choice: "auto",
      parallel_tool_calls: false,
      response_format: { type: "text" },
      logit_bias: { "42": -5 },
      user: "user-7",
      top_k: 20,
      min_p: 0.05,
      chat_template_kwargs: { enable_thinking: false },
    });
    expect(json.choices[0].finish_reason).toBe("tool_calls");
    expect(json.choices[0].message).toEqual({
      role: "assistant",
      content: null,
      tool_calls: [
        {
          id: "call_0_0",
          type: "function",
          function: { name: "get_weather", arguments: '{"city": "Paris"}' },
        },
      ],
    });
  });

  it("returns tool calls to the openai client, whole and streamed", async () => {
    script = [weather('{"city":"Oslo"}')];
    const whole = await client().chat.completions.create({
      model: "fake-model",
      messages: [{ role: "user", content: "Weather in Oslo?" }],
      tools,
    });
    expect(whole.choices[0]?.finish_reason).toBe("tool_calls");
    expect(whole.choices[0]?.message.tool_calls?.[0]).toMatchObject({
      type: "function",
      function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
    });

    script = [weather('{"city":"Rome","unit":"c"}')];
    const stream = await client().chat.completions.create({
      model: "fake-model",
      messages: [{ role: "user", content: "Weather in Rome?" }],
      tools,
      stream: true,
    });
    const calls = new Map<number, { id?: string; name: string; arguments: string }>();
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      for (const piece of choice?.delta.tool_calls ?? []) {
        const call = calls.get(piece.index) ?? { name: "", arguments: "" };
        if (piece.id !== undefined) call.id = piece.id;
        call.name += piece.function?.name ?? "";
        call.arguments += piece.function?.arguments ?? "";
        calls.set(piece.index, call);
      }
      finish = choice?.finish_reason ?? finish;
    }
    expect([...calls.values()]).toEqual([
      { id: "call_0_0", name: "get_weather", arguments: '{"city":"Rome","unit":"c"}' },
    ]);
    expect(finish).toBe("tool_calls");
  });

  it("makes up the id of a call the upstream sent with an empty one, whole and streamed alike", async () => {
    const unnamed: FakeChoice = {
      toolCalls: [{ id: "", name: "get_weather", arguments: '{"city":"Oslo"}' }],
    };
    const question = { role: "user" as const, content: "Weather in Oslo?" };
    script = [unnamed];
    const whole = await client().chat.completions.create({
      model: "fake-model",
      messages: [question],
      tools,
    });
    const call = whole.choices[0]?.message.tool_calls?.[0];
    expect(call?.id).toBe("call_0");
    script = [unnamed];
    const stream = await client().chat.completions.create({
      model: "fake-model",
      messages: [question],
      tools,
      stream: true,
    });
    const ids: string[] = [];
    for await (const chunk of stream) {
      for (const piece of chunk.choices[0]?.delta.tool_calls ?? []) if (piece.id) ids.push(piece.id);
    }
    expect(ids).toEqual(["call_0"]);
    // The client sends the call back with its result, and mull takes it.
    const next = await post({
      model: "fake-model",
      messages: [
        question,
        { role: "assistant", content: null, tool_calls: [call] },
        { role: "tool", tool_call_id: call?.id, content: "21 C" },
      ],
      tools,
    });
    expect(next.status).toBe(200);
  });

  it("names the field at fault in a malformed tool-use conversation", async () => {
    const { status, json } = await post({
      model: "fake-model",
      messages: [
        { role: "user", content: "Weather in Paris?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "c1", type: "function", function: { name: "get_weather", arguments: "{}" } }],
        },
        { role: "tool", content: "21 C" },
      ],
      tools,
    });
    expect(status).toBe(400);
    expect(json.error.param).toBe("messages[2].tool_call_id");
    expect(json.error.message).toMatch(/tool_call_id is required on a tool message/);
    const nullContent = await post({ model: "fake-model", messages: [{ role: "user", content: null }] });
    expect(nullContent.json.error.param).toBe("messages[0].content");
    const badTools = await post({
      model: "fake-model",
      messages: [{ role: "user", content: "hi" }],
      tools: [{}],
    });
    expect(badTools.json.error.param).toBe("tools[0].type");
  });

  it("returns the call of a greedy run", async () => {
    script = [weather('{"city":"Bern"}')];
    const { status, json } = await post({
      model: "greedy:fake-model",
      messages: [{ role: "user", content: "Weather in Bern?" }],
      tools,
    });
    expect(status).toBe(200);
    expect(json.choices[0].finish_reason).toBe("tool_calls");
    expect(json.choices[0].message.tool_calls[0].function).toEqual({
      name: "get_weather",
      arguments: '{"city":"Bern"}',
    });
  });
});

describe("under a voting strategy", () => {
  it("votes over calls by name and canonical arguments: the majority wins, key order ignored", async () => {
    script = [
      weather('{"city": "Paris", "unit": "c"}'),
      weather('{"city":"London","unit":"c"}'),
      weather('{"unit":"c","city":"Paris"}'),
      weather('{"city":"London","unit":"c"}'),
      weather(' { "unit" : "c" , "city" : "Paris" } '),
    ];
    const before = served.fake.requests.length;
    const { status, json } = await post({
      model: "sc@5:fake-model",
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools,
      tool_choice: "required",
      temperature: 0.7,
    });
    expect(status).toBe(200);
    const sent = served.fake.requests.slice(before).filter((request) => request.body?.tools !== undefined);
    expect(sent).toHaveLength(5);
    for (const request of sent) expect(request.body).toMatchObject({ tools, tool_choice: "required" });
    const choice = json.choices[0];
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.tool_calls).toHaveLength(1);
    expect(choice.message.tool_calls[0].function.name).toBe("get_weather");
    expect(JSON.parse(choice.message.tool_calls[0].function.arguments)).toEqual({ city: "Paris", unit: "c" });
    expect(json.mull.votes).toEqual({
      'tool:get_weather({"city":"Paris","unit":"c"})': 3,
      'tool:get_weather({"city":"London","unit":"c"})': 2,
    });
    expect(json.mull.answer).toBe('tool:get_weather({"city":"Paris","unit":"c"})');
  });

  it("streams the winning call to the openai client", async () => {
    script = [weather('{"city":"Lima"}'), weather('{"city":"Lima"}'), weather('{"city":"Quito"}')];
    const stream = await client().chat.completions.create({
      model: "sc@3:fake-model",
      messages: [{ role: "user", content: "Weather in Lima?" }],
      tools,
      temperature: 0.7,
      stream: true,
    });
    let name = "";
    let args = "";
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      for (const piece of chunk.choices[0]?.delta.tool_calls ?? []) {
        name += piece.function?.name ?? "";
        args += piece.function?.arguments ?? "";
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(name).toBe("get_weather");
    expect(JSON.parse(args)).toEqual({ city: "Lima" });
    expect(finish).toBe("tool_calls");
  });

  it("carries a tool-use conversation under sc@3, and text answers that outnumber the calls win", async () => {
    script = [
      { text: "It is 21 degrees.\n#### 21" },
      weather('{"city":"Paris"}'),
      { text: "Paris has 21 degrees.\n#### 21" },
    ];
    const before = served.fake.requests.length;
    const completion = await client().chat.completions.create({
      model: "sc@3:fake-model",
      messages: [
        { role: "user", content: "Weather in Paris?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_9",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Paris"}' },
            },
          ],
        },
        { role: "tool", tool_call_id: "call_9", content: "21 C, clear" },
      ],
      tools,
      temperature: 0.7,
    });
    const sent = served.fake.requests.slice(before).filter((request) => request.body?.tools !== undefined);
    expect(sent).toHaveLength(3);
    expect(sent[0]?.body?.messages).toEqual([
      { role: "user", content: "Weather in Paris?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "call_9",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: "tool", content: "21 C, clear", tool_call_id: "call_9" },
    ]);
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.choices[0]?.message.tool_calls).toBeUndefined();
    expect(completion.choices[0]?.message.content).toMatch(/#### 21$/);
  });
});
