import { describe, expect, it } from "vitest";
import { generations, serveFakeUpstream } from "../replicas.test-support.ts";

// Tools and tool choices that contradict each other, over loopback against the fake upstream: each is a
// 400 naming the field at fault, its value and what was expected, before any upstream call, on chat
// completions (tools and OpenAI's deprecated functions) and on Anthropic's messages.

const key = "sk-tool-choice";

const served = serveFakeUpstream({
  apiKey: key,
  server: { keepAliveMilliseconds: 50 },
  handler: (request) => ({ choices: Array.from({ length: request.n }, () => "It is sunny.") }),
});

// biome-ignore lint/suspicious/noExplicitAny: the tests read the APIs' JSON shapes as they come.
type Json = any;

/** Posts `body`; the status, the error, and how many generation requests reached the upstream meanwhile. */
async function refused(path: string, body: object) {
  const before = generations(served.fake);
  const response = await fetch(`${served.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Json;
  return { status: response.status, error: json.error, upstreamCalls: generations(served.fake) - before };
}

const messages = [{ role: "user", content: "Weather in Paris?" }];
const tool = (name: string) => ({ type: "function", function: { name, parameters: { type: "object" } } });
const chat = (fields: object) => ({ model: "sc@8:fake-model", temperature: 0.7, messages, ...fields });
const anthropic = (fields: object) => ({ model: "sc@8:fake-model", max_tokens: 64, messages, ...fields });
const anthropicTool = (name: string) => ({ name, input_schema: { type: "object" } });

describe("chat completions", () => {
  it.each([
    [
      "a tool_choice naming no tool offered, streamed",
      chat({
        stream: true,
        tools: [tool("get_weather"), tool("get_time")],
        tool_choice: { type: "function", function: { name: "zzz" } },
      }),
      "tool_choice.function.name",
      'tool_choice.function.name must be the name of one of the tools (get_weather, get_time), got "zzz"',
    ],
    [
      "a tool_choice without tools",
      chat({ tool_choice: "required" }),
      "tool_choice",
      'tool_choice is allowed only with tools (the tools the model may call), got "required" with no tools: send tools, or leave tool_choice out',
    ],
    [
      "a tool name holding a space",
      chat({ tools: [tool("get weather")] }),
      "tools[0].function.name",
      'tools[0].function.name must hold only letters, digits, underscores and dashes, got "get weather", whose character 4 is " "',
    ],
    [
      "a long tool name holding a dot",
      chat({ tools: [tool("mcp_server_weather.lookup")] }),
      "tools[0].function.name",
      'tools[0].function.name must hold only letters, digits, underscores and dashes, got a string of 25 characters, whose character 19 is "."',
    ],
    [
      "a tool name given twice",
      chat({ tools: [tool("get_weather"), tool("get_time"), tool("get_weather")] }),
      "tools[2].function.name",
      'tools[2].function.name must differ from every other tool\'s name, got "get_weather", the name of tools[0].function.name too',
    ],
  ])("refuses %s before any upstream call", async (_, body, param, message) => {
    const { status, error, upstreamCalls } = await refused("/v1/chat/completions", body);
    expect(status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.message).toBe(message);
    expect(upstreamCalls).toBe(0);
  });

  it("takes a tool_choice of none without tools, and one naming a tool offered", async () => {
    for (const body of [
      chat({ model: "fake-model", tool_choice: "none" }),
      chat({
        tools: [tool("get_weather")],
        tool_choice: { type: "function", function: { name: "get_weather" } },
      }),
    ]) {
      const response = await fetch(`${served.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
    }
  });
});

describe("OpenAI's deprecated functions", () => {
  it.each([
    [
      "a function_call naming no function offered",
      chat({ functions: [{ name: "get_weather" }], function_call: { name: "zzz" } }),
      "function_call.name",
      'function_call.name must be the name of one of the functions (get_weather), got "zzz"',
    ],
    [
      "a function_call without functions",
      chat({ function_call: "auto" }),
      "function_call",
      'function_call is allowed only with functions (the tools the model may call), got "auto" with no functions: send functions, or leave function_call out',
    ],
    [
      "a function name given twice",
      chat({ functions: [{ name: "get_weather" }, { name: "get_weather" }] }),
      "functions[1].name",
      'functions[1].name must differ from every other tool\'s name, got "get_weather", the name of functions[0].name too',
    ],
    [
      "a function name holding a slash",
      chat({ functions: [{ name: "weather/get" }] }),
      "functions[0].name",
      'functions[0].name must hold only letters, digits, underscores and dashes, got "weather/get", whose character 8 is "/"',
    ],
  ])("refuses %s before any upstream call", async (_, body, param, message) => {
    const { status, error, upstreamCalls } = await refused("/v1/chat/completions", body);
    expect(status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.message).toBe(message);
    expect(upstreamCalls).toBe(0);
  });
});

describe("Anthropic's messages", () => {
  it.each([
    [
      "a tool_choice naming no tool offered, streamed",
      anthropic({
        stream: true,
        tools: [anthropicTool("get_weather")],
        tool_choice: { type: "tool", name: "zzz" },
      }),
      "tool_choice.name",
      /^tool_choice\.name must be the name of one of the tools \(get_weather\), got "zzz"$/,
    ],
    [
      "a tool_choice of any without tools",
      anthropic({ tool_choice: { type: "any" } }),
      "tool_choice",
      /^tool_choice is allowed only with tools .*, got a choice other than none with no tools: send tools, or leave tool_choice out$/,
    ],
    [
      "a tool name holding a space",
      anthropic({ tools: [anthropicTool("get weather")] }),
      "tools[0].name",
      /^tools\[0\]\.name must hold only letters, digits, underscores and dashes, got "get weather", whose character 4 is " "$/,
    ],
    [
      "a tool name given twice",
      anthropic({ tools: [anthropicTool("get_weather"), anthropicTool("get_weather")] }),
      "tools[1].name",
      /^tools\[1\]\.name must differ from every other tool's name, got "get_weather", the name of tools\[0\]\.name too$/,
    ],
  ])("refuses %s before any upstream call", async (_, body, param, message) => {
    const { status, error, upstreamCalls } = await refused("/v1/messages", body);
    expect(status).toBe(400);
    expect(error.type).toBe("invalid_request_error");
    expect(error.message).toMatch(message);
    expect(upstreamCalls).toBe(0);
    // Anthropic's error has no param: the message names the field first.
    expect(error.message.startsWith(`${param} `)).toBe(true);
  });
});
