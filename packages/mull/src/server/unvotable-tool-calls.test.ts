import { beforeEach, describe, expect, it } from "vitest";
import type { FakeChoice } from "../testing/fake-openai-server.ts";
import { fakeUpstream, serveFakeUpstream } from "./replicas.test-support.ts";

// Calls whose arguments are not JSON answer nothing under a strategy, as text without an answer line
// does: the request still gets the samples it paid for, with no answer, not a retryable 502.

const key = "sk-unvotable-tools";
/** The choices given, in arrival order, to upstream requests that offer tools; then plain text. */
let script: FakeChoice[] = [];

const tools = [
  {
    type: "function" as const,
    function: {
      name: "get_weather",
      parameters: { type: "object", properties: { city: { type: "string" } } },
    },
  },
];

const broken: FakeChoice = { toolCalls: [{ name: "get_weather", arguments: '{"city":' }] };

const served = serveFakeUpstream({
  apiKey: key,
  handler: (request) => ({
    choices: Array.from({ length: request.n }, () =>
      request.body?.tools === undefined ? "ok" : (script.shift() ?? broken),
    ),
  }),
  upstreams: (url) => [fakeUpstream("fake", url)],
});

beforeEach(() => {
  script = [];
});

// biome-ignore lint/suspicious/noExplicitAny: the tests read OpenAI's JSON shapes as they come.
type Json = any;

describe("tool calls that cannot vote, under a strategy", () => {
  it("returns one of the samples' calls as the upstream gave it, with no answer, once", async () => {
    const before = served.fake.requests.length;
    const response = await fetch(`${served.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "sc@4:fake-model",
        messages: [{ role: "user", content: "Weather in Paris?" }],
        tools,
        temperature: 0.7,
      }),
    });
    const json = (await response.json()) as Json;
    expect(response.status).toBe(200);
    const choice = json.choices[0];
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.tool_calls[0].function).toEqual({ name: "get_weather", arguments: '{"city":' });
    expect(json.mull.answer).toBeNull();
    expect(json.mull.votes).toEqual({});
    // The four samples were drawn once: no error for a client to retry the whole strategy on.
    const sent = served.fake.requests.slice(before).filter((request) => request.body?.tools !== undefined);
    expect(sent.reduce((sum, request) => sum + request.n, 0)).toBe(4);
  });
});
