import { gzipSync } from "node:zlib";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { defaultModelProfile } from "../../generation/index.ts";
import { createScriptedBackend } from "../../testing/scripted-backend.ts";
import { parseServerConfig } from "../config/index.ts";
import { createServer } from "../create-server.ts";

// `/v1/messages` through the whole server, with a model that runs in the server (embedded): fields it
// does not take are refused by name, and errors name the fields the client sent.

const key = "sk-messages";
const backend = createScriptedBackend({ responses: ["It is 4."] });
const server = createServer({
  config: parseServerConfig({
    upstreams: [{ name: "local", kind: "embedded", models: ["local"] }],
  }),
  models: [
    {
      name: "local",
      upstream: "local",
      backend,
      kind: "embedded",
      profile: defaultModelProfile,
      contextWindow: undefined,
      scorer: undefined,
    },
  ],
  apiKeys: [key],
  logger: pino({ level: "silent" }),
});

// biome-ignore lint/suspicious/noExplicitAny: the tests read Anthropic's JSON shapes as they come.
type Json = any;

async function post(
  body: Buffer | object,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Json; text: string }> {
  const response = await server.app.request("/v1/messages", {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json", ...headers },
    body: Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: JSON.parse(text) as Json, text };
}

const request = { model: "local", max_tokens: 64, messages: [{ role: "user", content: "2+2?" }] };

describe("POST /v1/messages", () => {
  it("names metadata.user_id, not user, when the model cannot take it", async () => {
    const { status, json } = await post({ ...request, metadata: { user_id: "u-1" } });
    expect(status).toBe(400);
    expect(json).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(json.error.message).toMatch(/^metadata\.user_id is passed to OpenAI-compatible upstreams only/);
  });

  it("refuses unknown top-level fields, naming each, and Anthropic's own features with why", async () => {
    const { status, json } = await post({
      ...request,
      mcp_servers: [{ type: "url", url: "https://mcp.example.com", name: "x" }],
      foo: 1,
    });
    expect(status).toBe(400);
    expect(json.error.message).toMatch(
      /^mcp_servers is not supported here: Anthropic connects to MCP servers/,
    );
    expect(json.error.message).toContain(
      "foo is not a field of Anthropic's Messages API that this server takes",
    );
    expect((await post({ ...request, foo: 1 })).status).toBe(400);
  });

  it("takes the documented fields that change nothing here, as Claude Code sends them", async () => {
    const { status, json } = await post({
      ...request,
      service_tier: "auto",
      cache_control: { type: "ephemeral" },
      context_management: { edits: [{ type: "clear_thinking_20251015", keep: "all" }] },
    });
    expect(status).toBe(200);
    expect(json.content).toEqual([{ type: "text", text: "It is 4." }]);
    expect((await post({ ...request, service_tier: "priority" })).status).toBe(400);
  });

  it("answers 415 naming the encoding of a compressed body, never echoing its bytes", async () => {
    const { status, json, text } = await post(gzipSync(JSON.stringify(request)), {
      "content-encoding": "gzip",
    });
    expect(status).toBe(415);
    expect(json.error.message).toMatch(/Content-Encoding "gzip" is not supported/);
    expect(text).toMatch(/^[\x20-\x7e]*$/);
  });
});
