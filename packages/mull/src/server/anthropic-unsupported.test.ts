import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { generations, serveFakeUpstream } from "./replicas.test-support.ts";

// What `/v1/messages` does not offer is refused in Anthropic's shape with a message that says so:
// Anthropic's server tools. Token counting is offered, and asks nothing of the upstream.

const key = "sk-anthropic-unsupported";
const served = serveFakeUpstream({ apiKey: key, handler: () => "It is sunny." });

// biome-ignore lint/suspicious/noExplicitAny: the tests read JSON error shapes as they come.
type Json = any;

async function post(path: string, body: object): Promise<{ status: number; json: Json; sent: number }> {
  const before = generations(served.fake);
  const response = await fetch(`${served.url}${path}`, {
    method: "POST",
    headers: { "x-api-key": key, "anthropic-version": "2023-06-01", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    json: (await response.json()) as Json,
    sent: generations(served.fake) - before,
  };
}

const messages = [{ role: "user", content: "What is the news today?" }];

describe("anthropic's server tools", () => {
  it("are refused as server tools, naming the field and the type", async () => {
    const { status, json, sent } = await post("/v1/messages", {
      model: "fake-model",
      max_tokens: 64,
      messages,
      tools: [
        {
          name: "get_weather",
          input_schema: { type: "object", properties: { city: { type: "string" } } },
        },
        { type: "web_search_20250305", name: "web_search", max_uses: 5 },
      ],
    });
    expect(status).toBe(400);
    expect(sent).toBe(0);
    expect(json).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(json.error.message).toMatch(
      /^tools\[1\]\.type is "web_search_20250305", a server tool, .*server tools are not supported/,
    );
    expect(json.error.message).not.toMatch(/tool_result/);
  });

  it("still take a custom tool with type custom", async () => {
    const { status, json } = await post("/v1/messages", {
      model: "fake-model",
      max_tokens: 64,
      messages,
      tools: [{ type: "custom", name: "get_weather", input_schema: { type: "object" } }],
    });
    expect(status).toBe(200);
    expect(json.content).toEqual([{ type: "text", text: "It is sunny." }]);
  });
});

describe("POST /v1/messages/count_tokens", () => {
  it("answers an OpenAI-compatible upstream's model by the estimate, without calling the upstream", async () => {
    // "What is the news today?": 23 characters, at four a token.
    const { status, json, sent } = await post("/v1/messages/count_tokens", { model: "fake-model", messages });
    expect(status).toBe(200);
    expect(sent).toBe(0);
    expect(json).toEqual({ input_tokens: 6 });
  });

  it("is read by the anthropic client over HTTP", async () => {
    const client = new Anthropic({ baseURL: served.url, apiKey: key, maxRetries: 0 });
    const answer = await client.messages.countTokens({
      model: "fake-model",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(answer).toEqual({ input_tokens: 1 });
  });

  it("asks for a key first, refusing in Anthropic's shape", async () => {
    const response = await fetch(`${served.url}/v1/messages/count_tokens`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
  });
});
