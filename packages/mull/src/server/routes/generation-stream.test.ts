import { describe, expect, it, vi } from "vitest";
import type { FakeOpenAIRequest, FakeReply } from "../../testing/fake-openai-server.ts";
import { fakeUpstream, serveFakeUpstream } from "../replicas.test-support.ts";

// A streamed pass-through of several completions is relayed as the upstream streams them, as OpenAI
// streams `n > 1`: each chunk under its choice's index, each choice's finish reason in its last chunk, the
// usage once at the end. Over loopback, against a fake upstream that spaces its tokens out.

const key = "sk-streamed-choices";

const texts = [
  "one two three four five six seven eight",
  "alpha beta gamma delta epsilon zeta eta theta",
  "red orange yellow green blue indigo violet white",
];

/** Milliseconds between the upstream's token chunks: a stream of eight tokens takes about 350 ms. */
const tokenDelay = 50;

/**
 * Native `n` for `native-model`; `fanned-model` refuses `n > 1` (as some gateways do), so each completion
 * is its own request, told apart by its seed (`seed + index`).
 */
function reply(request: FakeOpenAIRequest): FakeReply {
  if (request.body?.max_tokens === 1) return { choices: Array.from({ length: request.n }, () => "ok") };
  const delivery = { tokenDelayMilliseconds: tokenDelay };
  if (request.body?.model === "fanned-model") {
    if (request.n > 1) return { status: 400, message: "n must be 1" };
    const index = (request.body.seed as number) - 7;
    return { choices: [texts[index] ?? "?"], usage: { promptTokens: 9, completionTokens: 8 }, delivery };
  }
  return {
    choices: texts.slice(0, request.n),
    usage: { promptTokens: 9, completionTokens: 8 * request.n },
    delivery,
  };
}

const served = serveFakeUpstream({
  apiKey: key,
  handler: reply,
  upstreams: (url) => [
    fakeUpstream("native", url, ["native-model"]),
    fakeUpstream("fanned", url, ["fanned-model"]),
  ],
});

// biome-ignore lint/suspicious/noExplicitAny: the tests read OpenAI's JSON shapes as they come.
type Json = any;

/** A chunk as the client read it, and whether the upstream was still streaming when it came. */
interface ReadChunk {
  readonly data: Json;
  readonly upstreamRunning: boolean;
}

/** Reads a streamed response's `data:` payloads as they arrive, noting whether the upstream was done then. */
async function readChunks(response: Response): Promise<ReadChunk[]> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const chunks: ReadChunk[] = [];
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return chunks;
    buffer += decoder.decode(value, { stream: true });
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (!event.startsWith("data: ") || event === "data: [DONE]") continue;
      const upstreamRunning = served.fake.generations.running > 0;
      chunks.push({ data: JSON.parse(event.slice(6)), upstreamRunning });
    }
  }
}

/** Streams `body` from `path` once the upstream has nothing running (its start-up probe done). */
async function stream(path: string, body: Record<string, unknown>): Promise<ReadChunk[]> {
  await vi.waitFor(() => expect(served.fake.generations.running).toBe(0), { timeout: 5_000 });
  const response = await fetch(`${served.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ ...body, n: 3, seed: 7, stream: true, stream_options: { include_usage: true } }),
  });
  expect(response.status).toBe(200);
  return readChunks(response);
}

/** The piece a chunk's choice carries: chat's `delta.content`, completions' `text`. */
const pieceOf = (choice: Json): string => choice.delta?.content ?? choice.text ?? "";

/** Checks the relay of the three choices: live, indexed, whole per index, finished, and billed once. */
function expectRelayed(chunks: readonly ReadChunk[], usage: Json) {
  const withChoice = chunks.filter((chunk) => chunk.data.choices.length > 0);
  for (const chunk of withChoice) expect(chunk.data.choices).toHaveLength(1);
  const choices = withChoice.map((chunk) => chunk.data.choices[0]);
  // The first choice's first piece reached the client while the upstream was still streaming.
  const first = withChoice.find(
    (chunk) => chunk.data.choices[0].index === 0 && pieceOf(chunk.data.choices[0]) !== "",
  );
  expect(pieceOf(first?.data.choices[0])).toBe("one");
  expect(first?.upstreamRunning).toBe(true);
  expect(new Set(choices.map((choice) => choice.index))).toEqual(new Set([0, 1, 2]));
  for (const [index, text] of texts.entries()) {
    const own = choices.filter((choice) => choice.index === index);
    expect(own.map(pieceOf).join("")).toBe(text);
    // Its finish reason comes in its last chunk, and only there.
    expect(own.map((choice) => choice.finish_reason)).toEqual([...own.slice(1).map(() => null), "stop"]);
  }
  // The pieces went out as they came, not after the upstream ended: some of every choice while it ran.
  for (const index of [0, 1, 2]) {
    expect(
      withChoice.some(
        (chunk) =>
          chunk.upstreamRunning &&
          chunk.data.choices[0].index === index &&
          pieceOf(chunk.data.choices[0]) !== "",
      ),
    ).toBe(true);
  }
  const last = chunks.at(-1)?.data;
  expect(last?.choices).toEqual([]);
  expect(last?.usage).toEqual(usage);
  expect(chunks.filter((chunk) => chunk.data.usage !== null && chunk.data.usage !== undefined)).toHaveLength(
    1,
  );
}

describe("a streamed pass-through of n > 1 completions", () => {
  it("relays a native n stream's choices as they arrive (chat)", async () => {
    const chunks = await stream("/v1/chat/completions", {
      model: "native-model",
      messages: [{ role: "user", content: "Say eight words." }],
    });
    expect(served.fake.requests.filter((request) => request.body?.model === "native-model").at(-1)?.n).toBe(
      3,
    );
    // Each choice opens with its role chunk.
    for (const index of [0, 1, 2]) {
      const own = chunks.map((chunk) => chunk.data.choices[0]).filter((choice) => choice?.index === index);
      expect(own[0]?.delta).toEqual({ role: "assistant", content: "" });
    }
    expectRelayed(chunks, { prompt_tokens: 9, completion_tokens: 24, total_tokens: 33 });
  });

  it("relays the choices of an upstream that takes one completion a request, each under its index (chat)", async () => {
    const chunks = await stream("/v1/chat/completions", {
      model: "fanned-model",
      messages: [{ role: "user", content: "Say eight words." }],
    });
    const sent = served.fake.requests.filter((request) => request.body?.model === "fanned-model");
    expect(sent.filter((request) => request.n === 1 && request.body?.max_tokens !== 1)).toHaveLength(3);
    // Three requests, each reporting the prompt it read and its eight tokens.
    expectRelayed(chunks, { prompt_tokens: 27, completion_tokens: 24, total_tokens: 51 });
  });

  it("relays a native n stream's choices as they arrive (legacy completions)", async () => {
    const chunks = await stream("/v1/completions", { model: "native-model", prompt: "Say eight words." });
    expect(chunks.every((chunk) => chunk.data.object === "text_completion")).toBe(true);
    expectRelayed(chunks, { prompt_tokens: 9, completion_tokens: 24, total_tokens: 33 });
  });
});
