import { beforeEach, describe, expect, it } from "vitest";
import type { FakeChoice } from "../../testing/fake-openai-server.ts";
import { serveFakeUpstream } from "../replicas.test-support.ts";

// Samples that end in function calls under sc@4, over loopback against the fake upstream: what
// `mull.answer` names when text outvotes the calls, calls cut at the token limit, and the progress leader
// of samples making the same parallel calls in different orders.

const key = "sk-tool-call-votes";
/** The choices given, in arrival order, to upstream requests that offer tools; then plain text. */
let script: (string | FakeChoice)[] = [];

const tools = [
  { type: "function" as const, function: { name: "get_weather", parameters: { type: "object" } } },
  { type: "function" as const, function: { name: "get_time", parameters: { type: "object" } } },
];
const weather = (args: string, finishReason?: string): FakeChoice => ({
  toolCalls: [{ name: "get_weather", arguments: args }],
  ...(finishReason === undefined ? {} : { finishReason }),
});

const served = serveFakeUpstream({
  apiKey: key,
  server: { keepAliveMilliseconds: 50 },
  handler: (request) => ({
    choices: Array.from({ length: request.n }, () =>
      request.body?.tools === undefined ? "ok" : (script.shift() ?? "It is sunny."),
    ),
  }),
});

beforeEach(() => {
  script = [];
});

// biome-ignore lint/suspicious/noExplicitAny: the tests read the APIs' JSON shapes as they come.
type Json = any;

async function post(path: string, body: object): Promise<{ status: number; text: string }> {
  const response = await fetch(`${served.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

const question = (content: string) => ({
  model: "sc@4:fake-model",
  messages: [{ role: "user", content }],
  tools,
  temperature: 0.7,
});

/** The `data:` payloads of a stream. */
const events = (text: string): Json[] =>
  text
    .split("\n")
    .filter((line) => line.startsWith("data: {"))
    .map((line) => JSON.parse(line.slice("data: ".length)));

/** Three plain texts that read no answer, and one call: the text wins the vote between calls and text. */
const textOutvotesCall = (): (string | FakeChoice)[] => [
  "Sure, it is sunny there.",
  weather('{"city":"Paris"}'),
  "It looks sunny in Paris today.",
  "Probably sunny!",
];

describe("mull.answer when text outnumbers the calls the strategy picked", () => {
  it("names no answer for the text returned, never the outvoted call (whole)", async () => {
    script = textOutvotesCall();
    const { status, text } = await post("/v1/chat/completions", question("Weather in Paris?"));
    expect(status).toBe(200);
    const json = JSON.parse(text);
    expect(json.choices[0].finish_reason).toBe("stop");
    expect(json.choices[0].message.tool_calls).toBeUndefined();
    expect(json.choices[0].message.content).toMatch(/sunny/);
    // The strategy's own vote still shows the call, the one sample it could read an answer from.
    expect(json.mull.votes).toEqual({ 'tool:get_weather({"city":"Paris"})': 1 });
    // Before: 'tool:get_weather({"city":"Paris"})', the answer of a sample not returned.
    expect(json.mull.answer).toBeNull();
  });

  it("names no answer on the stream's last chunk either", async () => {
    script = textOutvotesCall();
    const { status, text } = await post("/v1/chat/completions", {
      ...question("Weather in Paris?"),
      stream: true,
    });
    expect(status).toBe(200);
    const chunks = events(text);
    const content = chunks.map((chunk) => chunk.choices?.[0]?.delta?.content ?? "").join("");
    expect(content).toMatch(/sunny/);
    expect(chunks.some((chunk) => chunk.choices?.[0]?.delta?.tool_calls !== undefined)).toBe(false);
    expect(chunks.at(-1).mull.answer).toBeNull();
  });

  it("names no answer on /v1/messages", async () => {
    script = textOutvotesCall();
    const { status, text } = await post("/v1/messages", {
      model: "sc@4:fake-model",
      max_tokens: 64,
      temperature: 0.7,
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [{ name: "get_weather", input_schema: { type: "object" } }],
    });
    expect(status).toBe(200);
    const json = JSON.parse(text);
    expect(json.stop_reason).toBe("end_turn");
    expect(json.content.map((block: Json) => block.type)).toEqual(["text"]);
    expect(json.mull.answer).toBeNull();
  });

  it("still names the text's own answer where it has one", async () => {
    script = ["Sunny.\n#### 21", weather('{"city":"Paris"}'), "Warm.\n#### 21", "Mild.\n#### 19"];
    const { text } = await post("/v1/chat/completions", question("Weather in Paris?"));
    const json = JSON.parse(text);
    expect(json.choices[0].finish_reason).toBe("stop");
    expect(json.choices[0].message.content).toMatch(/#### 21$/);
    expect(json.mull.answer).toBe("21");
  });
});

describe("calls cut at the token limit", () => {
  it("do not vote: the one whole call wins over three cut ones", async () => {
    script = [
      weather('{"city":"Pa', "length"),
      weather('{"city":"Pa', "length"),
      weather('{"city":"Lyon"}'),
      weather('{"city":"Pa', "length"),
    ];
    const { status, text } = await post("/v1/chat/completions", question("Weather in Lyon?"));
    expect(status).toBe(200);
    const json = JSON.parse(text);
    // Before: the cut call won 3 to 1, answered with finish_reason length and arguments '{"city":"Pa'.
    expect(json.mull.votes).toEqual({ 'tool:get_weather({"city":"Lyon"})': 1 });
    expect(json.mull.answer).toBe('tool:get_weather({"city":"Lyon"})');
    expect(json.choices[0].finish_reason).toBe("tool_calls");
    expect(json.choices[0].message.tool_calls).toHaveLength(1);
    expect(JSON.parse(json.choices[0].message.tool_calls[0].function.arguments)).toEqual({ city: "Lyon" });
  });

  it("leave the text to answer where no call ended whole", async () => {
    script = [
      weather('{"city":"Pa', "length"),
      weather('{"city": Paris}'),
      "It is sunny.\n#### 21",
      weather('{"city":"Pa', "length"),
    ];
    const { text } = await post("/v1/chat/completions", question("Weather in Paris?"));
    const json = JSON.parse(text);
    expect(json.mull.votes).toEqual({ "21": 1 });
    expect(json.choices[0].finish_reason).toBe("stop");
    expect(json.choices[0].message.content).toBe("It is sunny.\n#### 21");
    expect(json.mull.answer).toBe("21");
  });
});

describe("the progress of samples making the same parallel calls in different orders", () => {
  it("leads with the calls' vote key, held by every sample, as the final vote", async () => {
    const paris = { name: "get_weather", arguments: '{ "city" : "Paris" }' };
    const time = { name: "get_time", arguments: '{"tz":"Europe/Paris"}' };
    script = [
      { toolCalls: [paris, time] },
      { toolCalls: [time, paris] },
      { toolCalls: [paris, time] },
      { toolCalls: [time, paris] },
    ];
    const { status, text } = await post("/v1/chat/completions", {
      ...question("parallel: weather and time in Paris?"),
      stream: true,
    });
    expect(status).toBe(200);
    const key = 'tool:get_time({"tz":"Europe/Paris"}); get_weather({"city":"Paris"})';
    const comments = text.split("\n").filter((line) => line.startsWith(": progress"));
    // Before: ': progress 4/4 leader="tool:get_weather,get_time" share=0.50'.
    expect(comments.at(-1)).toBe(`: progress 4/4 leader=${JSON.stringify(key)} share=1.00`);
    const chunks = events(text);
    const progress = chunks.flatMap((chunk) => (chunk.mull?.progress ? [chunk.mull.progress] : []));
    expect(progress.at(-1)).toEqual({ samples_done: 4, samples_planned: 4, leader: key, leader_share: 1 });
    expect(chunks.at(-1).mull.votes).toEqual({ [key]: 4 });
  });
});
