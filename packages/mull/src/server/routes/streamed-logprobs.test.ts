import { describe, expect, it } from "vitest";
import { serveFakeUpstream } from "../replicas.test-support.ts";

// A streamed pass-through that asks for log-probabilities gets them on its chunks, as the upstream
// reported them, rather than text relayed live without them.

const key = "sk-streamed-logprobs";

const served = serveFakeUpstream({
  apiKey: key,
  handler: (request) => ({ choices: Array.from({ length: request.n }, () => "It is 4.") }),
});

/** One chunk of a streamed chat completion, as far as these tests read it. */
interface Chunk {
  choices: {
    delta: { content?: string | null };
    logprobs?: { content: { token: string }[] | null } | null;
  }[];
}

/** The chunks of a streamed chat completion (`data: [DONE]` left out). */
async function streamedChunks(body: object): Promise<Chunk[]> {
  const response = await fetch(`${served.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({
      model: "fake-model",
      max_tokens: 16,
      stream: true,
      messages: [{ role: "user", content: "What is 2+2?" }],
      ...body,
    }),
  });
  expect(response.status).toBe(200);
  return (await response.text())
    .split("\n")
    .filter((line) => line.startsWith("data:") && !line.includes("[DONE]"))
    .map((line) => JSON.parse(line.slice("data:".length)) as Chunk);
}

describe("a streamed pass-through with logprobs", () => {
  it("carries the upstream's log-probabilities on the chunks of its text", async () => {
    const chunks = await streamedChunks({ logprobs: true });
    const withText = chunks.flatMap((chunk) => chunk.choices).filter((choice) => choice.delta.content);
    expect(withText.length).toBeGreaterThan(0);
    expect(withText.map((choice) => choice.delta.content).join("")).toBe("It is 4.");
    for (const choice of withText) expect(choice.logprobs?.content?.length ?? 0).toBeGreaterThan(0);
    const tokens = withText.flatMap((choice) => choice.logprobs?.content ?? []).map((entry) => entry.token);
    expect(tokens.join("")).toBe("It is 4.");
  });
});
