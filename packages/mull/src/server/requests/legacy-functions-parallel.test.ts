import { describe, expect, it } from "vitest";
import type { FakeChoice } from "../../testing/fake-openai-server.ts";
import { serveFakeUpstream } from "../replicas.test-support.ts";

// OpenAI's deprecated `functions` answer with one `function_call`, over loopback against the fake upstream:
// the upstream is asked for one call, and calls it makes past the first are said to be left out.

const key = "sk-legacy-parallel";

const functions = [
  { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
  { name: "get_time", parameters: { type: "object", properties: { tz: { type: "string" } } } },
];
/** Two calls in one answer, as an upstream that does not honour `parallel_tool_calls: false` makes them. */
const twoCalls: FakeChoice = {
  toolCalls: [
    { name: "get_weather", arguments: '{"city":"Paris"}' },
    { name: "get_time", arguments: '{"tz":"Europe/Paris"}' },
  ],
};

const served = serveFakeUpstream({
  apiKey: key,
  server: { keepAliveMilliseconds: 50 },
  handler: (request) => ({
    choices: Array.from({ length: request.n }, () => (request.body?.tools === undefined ? "ok" : twoCalls)),
  }),
});

// biome-ignore lint/suspicious/noExplicitAny: the tests read OpenAI's JSON shapes as they come.
type Json = any;

async function post(body: object): Promise<{ status: number; text: string }> {
  const response = await fetch(`${served.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({
      model: "fake-model",
      messages: [{ role: "user", content: "Weather and time in Paris?" }],
      ...body,
    }),
  });
  return { status: response.status, text: await response.text() };
}

/** The note of calls left out of a function_call, for `calls` calls made. */
const leftOut = (calls: number) =>
  `the model made ${calls} function calls in one answer, and a function_call holds one: the first was returned, the rest left out (send tools instead of functions to take every call)`;

describe("a request offering functions", () => {
  it("asks the upstream for one call at a time", async () => {
    const before = served.fake.requests.length;
    const { status } = await post({ functions });
    expect(status).toBe(200);
    const sent = served.fake.requests.slice(before).find((request) => request.body?.tools !== undefined);
    // Before: tools went without parallel_tool_calls, and the upstream was free to make two calls.
    expect(sent?.body).toMatchObject({
      tools: functions.map((fn) => ({ type: "function", function: fn })),
      parallel_tool_calls: false,
    });
  });

  it("says in mull.notes that calls past the first were left out (whole)", async () => {
    const { status, text } = await post({ functions });
    expect(status).toBe(200);
    const json = JSON.parse(text) as Json;
    expect(json.choices[0].finish_reason).toBe("function_call");
    expect(json.choices[0].message.function_call).toEqual({
      name: "get_weather",
      arguments: '{"city":"Paris"}',
    });
    expect(json.mull.notes).toEqual([leftOut(2)]);
  });

  it("says so on the stream's last chunk", async () => {
    const { status, text } = await post({ functions, stream: true });
    expect(status).toBe(200);
    const chunks: Json[] = text
      .split("\n")
      .filter((line) => line.startsWith("data: {"))
      .map((line) => JSON.parse(line.slice("data: ".length)));
    const name = chunks.map((chunk) => chunk.choices?.[0]?.delta?.function_call?.name ?? "").join("");
    expect(name).toBe("get_weather");
    expect(chunks.some((chunk) => chunk.choices?.[0]?.delta?.tool_calls !== undefined)).toBe(false);
    expect(chunks.at(-1).mull.notes).toEqual([leftOut(2)]);
  });

  it("leaves a request offering tools free to take both calls, with no note", async () => {
    const before = served.fake.requests.length;
    const { text } = await post({ tools: functions.map((fn) => ({ type: "function", function: fn })) });
    const json = JSON.parse(text) as Json;
    expect(json.choices[0].message.tool_calls).toHaveLength(2);
    expect(json.mull).toBeUndefined();
    const sent = served.fake.requests.slice(before).find((request) => request.body?.tools !== undefined);
    expect(sent?.body?.parallel_tool_calls).toBeUndefined();
  });

  it("refuses parallel_tool_calls: true beside functions, naming the field", async () => {
    const { status, text } = await post({ functions, parallel_tool_calls: true });
    expect(status).toBe(400);
    const { error } = JSON.parse(text) as Json;
    expect(error.param).toBe("parallel_tool_calls");
    expect(error.message).toBe(
      "parallel_tool_calls cannot be true with functions: a function_call answer holds one call; send tools to take parallel calls",
    );
  });
});
