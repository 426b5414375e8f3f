import { describe, expect, it } from "vitest";
import { serveFakeUpstream } from "../replicas.test-support.ts";

// The bounds `/v1/messages` and `/v1/messages/count_tokens` hold a body to, as Anthropic's API does:
// a temperature between 0 and 1, and a thinking budget checked against max_tokens only when there is one.

const key = "sk-messages-limits";

const served = serveFakeUpstream({ apiKey: key, handler: () => ({ choices: ["It is 4."] }) });

// biome-ignore lint/suspicious/noExplicitAny: the tests read Anthropic's JSON shapes as they come.
type Json = any;

async function post(path: string, body: object): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${served.url}${path}`, {
    method: "POST",
    headers: { "x-api-key": key, "anthropic-version": "2023-06-01", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Json };
}

const messages = [{ role: "user", content: "What is 2+2?" }];
const thinking = { type: "enabled", budget_tokens: 1024 };

describe("POST /v1/messages temperature", () => {
  it("refuses a temperature over 1, naming temperature", async () => {
    const { status, json } = await post("/v1/messages", {
      model: "fake-model",
      max_tokens: 16,
      temperature: 1.5,
      messages,
    });
    expect(status).toBe(400);
    expect(json.type).toBe("error");
    expect(json.error.type).toBe("invalid_request_error");
    expect(json.error.message).toContain("temperature");
  });

  it("takes a temperature of 1", async () => {
    const { status } = await post("/v1/messages", {
      model: "fake-model",
      max_tokens: 16,
      temperature: 1,
      messages,
    });
    expect(status).toBe(200);
  });
});

describe("POST /v1/messages/count_tokens thinking", () => {
  it("counts a body with thinking and no max_tokens", async () => {
    const { status, json } = await post("/v1/messages/count_tokens", {
      model: "fake-model",
      thinking,
      messages,
    });
    expect(status).toBe(200);
    expect(json.input_tokens).toBeGreaterThan(0);
  });

  it("refuses a thinking budget not below the max_tokens it is given, as /v1/messages does", async () => {
    const body = { model: "fake-model", max_tokens: 16, thinking, messages };
    const counted = await post("/v1/messages/count_tokens", body);
    expect(counted.status).toBe(400);
    expect(counted.json.error.message).toContain("budget_tokens");
    expect((await post("/v1/messages", body)).status).toBe(400);
  });
});
