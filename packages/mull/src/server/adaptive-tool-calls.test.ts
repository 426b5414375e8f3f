import { beforeEach, describe, expect, it } from "vitest";
import type { FakeChoice } from "../testing/fake-openai-server.ts";
import { fakeUpstream, serveFakeUpstream } from "./replicas.test-support.ts";

// Tools under the adaptive strategies, which stop a vote over whole samples early or weigh it: their
// samples' calls are voted as self-consistency's are. Step-level searches are still refused.

const key = "sk-adaptive-tools";
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

const weather = (city: string): FakeChoice => ({
  toolCalls: [{ name: "get_weather", arguments: JSON.stringify({ city }) }],
});

const served = serveFakeUpstream({
  apiKey: key,
  handler: (request) => ({
    choices: Array.from({ length: request.n }, () =>
      request.body?.tools === undefined ? "ok" : (script.shift() ?? weather("Paris")),
    ),
  }),
  upstreams: (url) => [
    fakeUpstream("fake", url),
    { ...fakeUpstream("stepped", url, ["stepped-model"]), prm: "judge" },
  ],
});

beforeEach(() => {
  script = [];
});

// biome-ignore lint/suspicious/noExplicitAny: the tests read OpenAI's JSON shapes as they come.
type Json = any;

async function post(model: string): Promise<{ status: number; json: Json; sent: number }> {
  const before = served.fake.requests.length;
  const response = await fetch(`${served.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({
      model,
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools,
      temperature: 0.7,
    }),
  });
  const json = (await response.json()) as Json;
  const sent = served.fake.requests
    .slice(before)
    .filter((request) => request.body?.tools !== undefined).length;
  return { status: response.status, json, sent };
}

describe("tools under an adaptive strategy", () => {
  it("asc@8 votes over the samples' calls and stops early once they agree", async () => {
    script = [weather("Paris"), weather("Paris"), weather("Paris"), weather("Paris")];
    const { status, json, sent } = await post("asc@8:fake-model");
    expect(status).toBe(200);
    const choice = json.choices[0];
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.tool_calls[0].function.name).toBe("get_weather");
    expect(JSON.parse(choice.message.tool_calls[0].function.arguments)).toEqual({ city: "Paris" });
    expect(json.mull.answer).toBe('tool:get_weather({"city":"Paris"})');
    // Unanimous samples stop the run before all eight were drawn.
    expect(sent).toBeLessThan(8);
    expect(json.mull.votes).toEqual({ 'tool:get_weather({"city":"Paris"})': sent });
  });

  it("mass@5 returns the call most of its samples made", async () => {
    script = [weather("Lima"), weather("Quito"), weather("Lima"), weather("Lima"), weather("Quito")];
    const { status, json, sent } = await post("mass@5:fake-model");
    expect(status).toBe(200);
    expect(sent).toBe(5);
    const choice = json.choices[0];
    expect(choice.finish_reason).toBe("tool_calls");
    expect(JSON.parse(choice.message.tool_calls[0].function.arguments)).toEqual({ city: "Lima" });
    expect(json.mull.answer).toBe('tool:get_weather({"city":"Lima"})');
    expect(Object.keys(json.mull.votes).sort()).toEqual([
      'tool:get_weather({"city":"Lima"})',
      'tool:get_weather({"city":"Quito"})',
    ]);
  });

  it("still refuses a step-level search, naming the strategy and why, before any upstream call", async () => {
    const { status, json, sent } = await post("beam@4x2:stepped-model");
    expect(status).toBe(400);
    expect(sent).toBe(0);
    expect(json.error.param).toBe("tools");
    expect(json.error.code).toBe("unsupported_parameter");
    expect(json.error.message).toMatch(
      /strategy beam@4x2 cannot vote over tool calls: it is a step-level search/,
    );
  });
});
