import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { defaultModelProfile } from "../generation/index.ts";
import type { ChatMessage } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { parseServerConfig } from "./config/index.ts";
import { createServer } from "./create-server.ts";

// The bad inputs of RELIABILITY.md that reach the server (numbers as in its table). Each must get a
// clear error in OpenAI's shape, make no upstream call, and leave the server answering.

const key = "sk-bad-inputs";
const scripted = createScriptedBackend({ answers: { distribution: { "4": 1 } } });
const config = parseServerConfig({
  server: { logLevel: "silent" },
  limits: {
    maxSamples: 64,
    maxTokens: 4096,
    defaultMaxTokens: 256,
    maxRequestTokens: 100_000,
    maxBodyBytes: 1 << 20,
  },
  upstreams: [
    { name: "up", baseUrl: "https://llm.example.com/v1", models: [{ name: "m", contextWindow: 2048 }] },
  ],
});
const server = createServer({
  config,
  models: [
    {
      name: "m",
      upstream: "up",
      backend: scripted,
      kind: "other",
      profile: defaultModelProfile,
      contextWindow: 2048,
      scorer: undefined,
    },
  ],
  apiKeys: [key],
  logger: pino({ level: "silent" }),
});

const valid = { model: "m", messages: [{ role: "user", content: "2+2?" }] };

function send(body: string, headers: Record<string, string> = {}) {
  return server.app.request("/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}`, ...headers },
    body,
  });
}

async function expectError(
  response: Response,
  status: number,
  expected: { param?: string | null; code?: string; message?: RegExp; type?: string } = {},
) {
  const calls = scripted.calls.length;
  expect(response.status).toBe(status);
  const body = await response.json();
  expect(Object.keys(body)).toEqual(["error"]);
  expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
  expect(typeof body.error.message).toBe("string");
  if (expected.param !== undefined) expect(body.error.param).toBe(expected.param);
  if (expected.code !== undefined) expect(body.error.code).toBe(expected.code);
  if (expected.message !== undefined) expect(body.error.message).toMatch(expected.message);
  if (expected.type !== undefined) expect(body.error.type).toBe(expected.type);
  // No upstream call was made, and the server still answers a good request.
  expect(scripted.calls.length).toBe(calls);
  expect((await send(JSON.stringify(valid))).status).toBe(200);
  return body.error;
}

const withBody = (extra: Record<string, unknown>) => JSON.stringify({ ...valid, ...extra });

describe("bad inputs", () => {
  it("1: a body that is not JSON", async () => {
    await expectError(await send("{not json"), 400, { type: "invalid_request_error", code: "invalid_json" });
  });

  it("2: Content-Type text/plain", async () => {
    await expectError(await send(JSON.stringify(valid), { "content-type": "text/plain" }), 415);
  });

  it("3: a body over the size limit (declared)", async () => {
    await expectError(await send("{}", { "content-length": String(20 * 1024 * 1024) }), 413, {
      message: /1048576 bytes/,
    });
  });

  it("4: JSON nested 100k levels deep", async () => {
    const deep = `{"model":"m","messages":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    await expectError(await send(deep), 400, { message: /nests deeper than 64/ });
  });

  it.each([
    ["missing", {}],
    ["empty", { messages: [] }],
  ])("5: messages %s", async (_label, extra) => {
    const body = { model: "m", ...extra };
    await expectError(await send(JSON.stringify(body)), 400, { param: "messages" });
  });

  it.each([
    [[{ role: "robot", content: "hi" }], "messages[0].role"],
    [
      [
        { role: "user", content: "hi" },
        { role: "user", content: 5 },
      ],
      "messages[1].content",
    ],
    [[{ role: "user", content: null }], "messages[0].content"],
  ])("6: bad message %j", async (messages, param) => {
    await expectError(await send(withBody({ messages })), 400, { param });
  });

  it("7: an unknown model", async () => {
    await expectError(await send(withBody({ model: "gpt-imaginary" })), 404, {
      code: "model_not_found",
      param: "model",
    });
    await expectError(await send(withBody({ model: "sc@8:gpt-imaginary" })), 404, {
      code: "model_not_found",
    });
  });

  it.each([0, -1, 1.5, "4"])("8: n = %j", async (n) => {
    await expectError(await send(withBody({ n })), 400, { param: "n" });
  });

  it("9: n above the cap states the cap", async () => {
    await expectError(await send(withBody({ n: 100_000 })), 400, { param: "n", message: /at most 64/ });
    await expectError(await send(withBody({ model: "sc@100000:m" })), 400, {
      message: /cap \(limits\.maxSamples\) is 64/,
    });
  });

  it.each([0, -5])("10: max_tokens = %d", async (maxTokens) => {
    await expectError(await send(withBody({ max_tokens: maxTokens })), 400, {
      param: "max_tokens",
      message: /must be at least 1/,
    });
  });

  it("11: prompt plus max_tokens over the context window names both numbers", async () => {
    const error = await expectError(
      await send(withBody({ messages: [{ role: "user", content: "x".repeat(4000) }], max_tokens: 1500 })),
      400,
      { code: "context_length_exceeded" },
    );
    expect(error.message).toMatch(/about 1000 tokens/);
    expect(error.message).toMatch(/max_tokens \(1500\)/);
    expect(error.message).toMatch(/2048/);
  });

  it("12: samples × max_tokens over the per-request budget, before any upstream call", async () => {
    const error = await expectError(
      await send(withBody({ model: "sc@64:m", max_tokens: 2000, temperature: 1 })),
      400,
      {
        code: "budget_exceeded",
      },
    );
    expect(error.message).toMatch(/100000/);
    expect(error.message).toMatch(/64 samples/);
  });

  it.each([
    [{ temperature: -1 }, "temperature"],
    [{ temperature: 3 }, "temperature"],
    [{ top_p: 0 }, "top_p"],
    [{ top_p: 1.5 }, "top_p"],
  ])("13: %j", async (extra, param) => {
    await expectError(await send(withBody(extra)), 400, { param, message: new RegExp(param) });
  });

  it("14: several samples at temperature 0 in a voting strategy", async () => {
    await expectError(await send(withBody({ model: "sc@8:m", temperature: 0 })), 400, {
      param: "temperature",
    });
  });

  it("15: stream 'yes', and stream_options without stream", async () => {
    await expectError(await send(withBody({ stream: "yes" })), 400, { param: "stream" });
    await expectError(await send(withBody({ stream_options: { include_usage: true } })), 400, {
      param: "stream_options",
    });
  });

  it("16: top_logprobs above 20", async () => {
    await expectError(await send(withBody({ logprobs: true, top_logprobs: 21 })), 400, {
      param: "top_logprobs",
    });
  });

  it("17: an unknown strategy, or more choices than samples", async () => {
    await expectError(await send(withBody({ model: "zz@3:m" })), 400, {
      code: "invalid_strategy",
      param: "model",
    });
    // A malformed count in a prefix is a bad strategy (the parser's message), not an unknown model.
    for (const [model, message] of [
      ["sc@-1:m", /malformed spec "sc@-1"; expected sc@N, maj@N/],
      ["sc@0:m", /"sc@0" gives N = 0 in sc@N; expected an integer from 1 to 100000/],
      ["beam@4:m", /malformed search spec "beam@4"; expected beam@NxM/],
    ] as const) {
      await expectError(await send(withBody({ model })), 400, {
        type: "invalid_request_error",
        code: "invalid_strategy",
        param: "model",
        message,
      });
    }
    await expectError(await send(withBody({ model: "sc@-1:nope" })), 404, { code: "model_not_found" });
    await expectError(await send(withBody({ mull: { strategy: "beam-me-up" } })), 400, {
      code: "invalid_strategy",
    });
    await expectError(await send(withBody({ model: "pf@4:m" })), 400, {
      code: "invalid_strategy",
      param: "model",
      message: /"pf@4" is a step-level search and needs a process reward model, and model "m" has none/,
    });
    await expectError(await send(withBody({ model: "sc@2:m", n: 4 })), 400, {
      param: "n",
      message: /2 samples/,
    });
  });

  it.each(["api_base", "base_url"])("18: %s in the body is banned", async (field) => {
    await expectError(await send(withBody({ [field]: "http://169.254.169.254/" })), 400, {
      param: field,
      code: "banned_parameter",
    });
  });

  it("a field the server does not model, for a model that runs in this server: refused, never dropped", async () => {
    await expectError(await send(withBody({ reasoning_effort: "low" })), 400, {
      param: "reasoning_effort",
      code: "unsupported_parameter",
      message: /^reasoning_effort is not a field this server models: .* model m runs in this server$/,
    });
  });

  it("19: a missing or wrong bearer token, never echoed", async () => {
    const error = await expectError(
      await send(JSON.stringify(valid), { authorization: "Bearer sk-wrong-CANARY-19" }),
      401,
      {
        type: "authentication_error",
      },
    );
    expect(JSON.stringify(error)).not.toContain("CANARY");
    const response = await server.app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(valid),
    });
    await expectError(response, 401);
  });

  it("20: __proto__ and constructor keys pollute nothing; duplicate keys take the last", async () => {
    const body =
      '{"model":"nope","model":"m","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},' +
      '"messages":[{"role":"user","content":"hi","__proto__":{"polluted":true}}]}';
    const response = await send(body);
    expect(response.status).toBe(200);
    // The strict mull object refuses the key as it refuses any it does not know.
    const strict = await send(
      '{"model":"m","messages":[{"role":"user","content":"hi"}],"mull":{"__proto__":{"polluted":true}}}',
    );
    await expectError(strict, 400, { param: "mull.__proto__", code: "unknown_parameter" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("21: lone surrogates and NUL in content", async () => {
    const before = scripted.calls.length;
    const response = await send(withBody({ messages: [{ role: "user", content: "a\ud800b\u0000c\udfff" }] }));
    expect(response.status).toBe(200);
    const prompt = scripted.calls[before]?.request.prompt;
    const messages = (prompt as { messages: readonly ChatMessage[] }).messages;
    expect(messages[0]?.content).toBe("a\ufffdb\u0000c\ufffd");
  });

  it("unknown routes and methods answer in the same shape", async () => {
    const missing = await server.app.request("/v1/embeddings", {
      headers: { authorization: `Bearer ${key}` },
    });
    await expectError(missing, 404);
    const wrongMethod = await server.app.request("/v1/chat/completions", {
      headers: { authorization: `Bearer ${key}` },
    });
    await expectError(wrongMethod, 405);
  });
});
