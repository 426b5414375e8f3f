import { describe, expect, it } from "vitest";
import { generations, serveFakeUpstream } from "./replicas.test-support.ts";

// The `mull` object is strict on both front ends: a misspelt option is refused with a 400 naming it,
// never silently dropped (a dropped `budjet` would leave a request without the budget its client set).

const key = "sk-strict-mull";
const served = serveFakeUpstream({ apiKey: key, handler: () => "It is 42.\n#### 42" });

// biome-ignore lint/suspicious/noExplicitAny: the tests read JSON error shapes as they come.
type Json = any;

async function post(path: string, body: object): Promise<{ status: number; json: Json; sent: number }> {
  const before = generations(served.fake);
  const response = await fetch(`${served.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    json: (await response.json()) as Json,
    sent: generations(served.fake) - before,
  };
}

const misspelt = { budjet: { max_calls: 2 }, reasoning_budgt: 5 };
const question = [{ role: "user", content: "What is 6 times 7?" }];

describe("the mull object of a request", () => {
  it("refuses misspelt keys on /v1/chat/completions, naming each, before any upstream call", async () => {
    const { status, json, sent } = await post("/v1/chat/completions", {
      model: "sc@3:fake-model",
      messages: question,
      mull: misspelt,
    });
    expect(status).toBe(400);
    expect(sent).toBe(0);
    expect(json.error.code).toBe("unknown_parameter");
    expect(json.error.param).toBe("mull.budjet");
    expect(json.error.message).toMatch(
      /^mull\.budjet, mull\.reasoning_budgt are not known fields: mull must be/,
    );
    expect(json.error.message).toMatch(/budget, reasoning_budget/);
  });

  it("refuses one misspelt key on /v1/messages in Anthropic's error shape", async () => {
    const { status, json, sent } = await post("/v1/messages", {
      model: "fake-model",
      max_tokens: 64,
      messages: question,
      mull: { strategy: "sc@3", reasoning_budgt: 5 },
    });
    expect(status).toBe(400);
    expect(sent).toBe(0);
    expect(json.type).toBe("error");
    expect(json.error.type).toBe("invalid_request_error");
    expect(json.error.message).toMatch(/^mull\.reasoning_budgt is not a known field: mull must be/);
  });

  it("still takes the keys it knows", async () => {
    const { status, json } = await post("/v1/chat/completions", {
      model: "fake-model",
      messages: question,
      temperature: 0.7,
      mull: { strategy: "sc@3", seed: 7, budget: { max_calls: 3 } },
    });
    expect(status).toBe(200);
    expect(json.mull.strategy).toBe("sc@3");
    expect(json.mull.seed).toBe(7);
  });
});
