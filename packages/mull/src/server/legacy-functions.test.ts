import { describe, expect, it } from "vitest";
import { serveFakeUpstream } from "./replicas.test-support.ts";

// OpenAI's deprecated `functions` / `function_call`, as older clients send them: served as tools, and
// answered in the legacy shape.

const key = "sk-legacy-functions";

const parameters = { type: "object", properties: { city: { type: "string" } } };
const functions = [{ name: "get_weather", description: "The weather in a city", parameters }];
const args = '{"city":"Paris","unit":"celsius"}';

const served = serveFakeUpstream({
  apiKey: key,
  server: { keepAliveMilliseconds: 50 },
  handler: (request) => ({
    choices: Array.from({ length: request.n }, () =>
      request.body?.tools === undefined
        ? "ok"
        : request.prompt.includes("21 C")
          ? "It is 21 C in Paris."
          : {
              toolCalls: [
                { name: "get_weather", arguments: args, id: "call_a" },
                { name: "get_time", arguments: "{}", id: "call_b" },
              ],
            },
    ),
  }),
});

// biome-ignore lint/suspicious/noExplicitAny: the tests read OpenAI's JSON shapes as they come.
type Json = any;

function post(body: object): Promise<Response> {
  return fetch(`${served.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "fake-model", ...body }),
  });
}

const question = [{ role: "user", content: "Weather in Paris?" }];

describe("legacy function calling", () => {
  it("is sent upstream as tools and tool_choice, and answered with message.function_call", async () => {
    const before = served.fake.requests.length;
    const response = await post({ messages: question, functions, function_call: { name: "get_weather" } });
    const json = (await response.json()) as Json;
    expect(response.status).toBe(200);
    const sent = served.fake.requests[before]?.body;
    expect(sent?.tools).toEqual([{ type: "function", function: functions[0] }]);
    expect(sent?.tool_choice).toEqual({ type: "function", function: { name: "get_weather" } });
    expect(sent?.functions).toBeUndefined();
    expect(sent?.function_call).toBeUndefined();
    // The legacy shape holds one call: the first.
    expect(json.choices[0].message).toEqual({
      role: "assistant",
      content: null,
      function_call: { name: "get_weather", arguments: args },
    });
    expect(json.choices[0].finish_reason).toBe("function_call");
  });

  it("streams the voted call under sc@3 as delta.function_call pieces", async () => {
    const response = await post({ model: "sc@3:fake-model", messages: question, functions, stream: true });
    const chunks: Json[] = (await response.text())
      .split("\n\n")
      .filter((event) => event.startsWith("data: ") && event !== "data: [DONE]")
      .map((event) => JSON.parse(event.slice(6)));
    const deltas = chunks.flatMap((chunk) => chunk.choices.map((choice: Json) => choice.delta ?? {}));
    const pieces = deltas.flatMap((delta) =>
      delta.function_call === undefined ? [] : [delta.function_call],
    );
    expect(deltas.some((delta) => delta.tool_calls !== undefined)).toBe(false);
    expect(pieces.length).toBeGreaterThan(2);
    expect(pieces[0].name).toBe("get_weather");
    expect(pieces.map((piece) => piece.arguments).join("")).toBe(args);
    const finishes = chunks.flatMap((chunk) => chunk.choices.map((choice: Json) => choice.finish_reason));
    expect(finishes.filter((reason) => reason !== null)).toEqual(["function_call"]);
  });

  it("carries a legacy conversation: function_call and function messages become a tool-use turn", async () => {
    const before = served.fake.requests.length;
    const response = await post({
      functions,
      messages: [
        ...question,
        { role: "assistant", content: null, function_call: { name: "get_weather", arguments: args } },
        { role: "function", name: "get_weather", content: "21 C, sun" },
      ],
    });
    const json = (await response.json()) as Json;
    expect(json.choices[0].message).toEqual({ role: "assistant", content: "It is 21 C in Paris." });
    expect(json.choices[0].finish_reason).toBe("stop");
    expect(served.fake.requests[before]?.body?.messages).toEqual([
      ...question,
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_function_1", type: "function", function: { name: "get_weather", arguments: args } },
        ],
      },
      { role: "tool", tool_call_id: "call_function_1", content: "21 C, sun" },
    ]);
  });

  it("answers in today's shape when the request offered tools", async () => {
    const response = await post({
      messages: question,
      tools: [{ type: "function", function: functions[0] }],
    });
    const json = (await response.json()) as Json;
    expect(json.choices[0].finish_reason).toBe("tool_calls");
    expect(json.choices[0].message.tool_calls).toHaveLength(2);
    expect(json.choices[0].message.function_call).toBeUndefined();
  });

  it("refuses mixed and malformed legacy fields, naming the field", async () => {
    const cases: [object, string, RegExp][] = [
      [
        { messages: question, functions, tools: [{ type: "function", function: functions[0] }] },
        "functions",
        /cannot be given with tools/,
      ],
      [{ messages: question, functions, function_call: "always" }, "function_call", /use tool_choice/],
      [{ messages: question, functions: [{ description: "no name" }] }, "functions[0].name", /is required/],
      [
        { messages: [...question, { role: "function", name: "get_weather", content: "21 C" }], functions },
        "messages[1].name",
        /no earlier assistant function_call/,
      ],
    ];
    for (const [body, param, message] of cases) {
      const response = await post(body);
      const json = (await response.json()) as Json;
      expect(response.status).toBe(400);
      expect(json.error.param).toBe(param);
      expect(json.error.message).toMatch(message);
    }
  });
  it("names functions, not tools, when the functions offered cannot be served", async () => {
    const before = served.fake.requests.length;
    const response = await post({ model: "force@64:fake-model", messages: question, functions });
    const json = (await response.json()) as Json;
    expect(response.status).toBe(400);
    expect(json.error.param).toBe("functions");
    expect(json.error.message).toMatch(/^strategy force@64 cannot vote over tool calls/);
    expect(json.error.message).toMatch(/applies to functions, which the server reads as tools\)$/);
    expect(served.fake.requests.length).toBe(before);
  });
});
