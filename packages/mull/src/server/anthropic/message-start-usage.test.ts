import { describe, expect, it } from "vitest";
import { serveFakeUpstream } from "../replicas.test-support.ts";

// A streamed message opens with `message_start`, whose usage tells the prompt's tokens as planning
// counted them (the count `/v1/messages/count_tokens` answers), before any completion token.

const key = "sk-message-start";

const served = serveFakeUpstream({ apiKey: key, handler: () => ({ choices: ["It is 4."] }) });

const headers = { "x-api-key": key, "anthropic-version": "2023-06-01", "content-type": "application/json" };
const body = {
  model: "fake-model",
  max_tokens: 16,
  messages: [{ role: "user", content: "What is two plus two, counted on the fingers of one hand?" }],
};

/** The data of each server-sent event of a streamed `/v1/messages` answer, in order. */
async function streamedEvents(): Promise<{ type: string; [field: string]: unknown }[]> {
  const response = await fetch(`${served.url}/v1/messages`, {
    method: "POST",
    headers,
    body: JSON.stringify({ ...body, stream: true }),
  });
  expect(response.status).toBe(200);
  const text = await response.text();
  return text
    .split("\n")
    .filter((line) => line.startsWith("data:"))
    .map((line) => JSON.parse(line.slice("data:".length)) as { type: string });
}

describe("a streamed message's message_start", () => {
  it("tells the prompt's counted tokens as input_tokens, and no output yet", async () => {
    const counted = await fetch(`${served.url}/v1/messages/count_tokens`, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
    });
    const { input_tokens: promptTokens } = (await counted.json()) as { input_tokens: number };
    expect(promptTokens).toBeGreaterThan(0);
    const [start] = await streamedEvents();
    expect(start?.type).toBe("message_start");
    expect(start?.message).toMatchObject({ usage: { input_tokens: promptTokens, output_tokens: 0 } });
  });
});
