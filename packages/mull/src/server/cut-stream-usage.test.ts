import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../runtime/index.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { type AssembledServer, assembleServer } from "./assemble-server.ts";
import { parseServerConfig } from "./config/index.ts";
import { recordingServingState } from "./key-budget-probes.test-support.ts";

// A streamed request whose upstream stream is cut after it delivered tokens is charged those tokens, to
// its key's budget and in `/metrics`: the pieces it relayed (a lower bound where the upstream sends one
// token a piece), plus the prompt a usage chunk told (a pass-through's, else as planned), never 0.

const key = "sk-cut-usage";
const text = "one two three four five six seven eight";
let fake: FakeOpenAIServer;
let assembled: AssembledServer;
/** What each reservation against the key's budget reserved, and what it was settled with. */
const recorded = recordingServingState();
const reservations = recorded.reservations;

beforeAll(async () => {
  fake = await startFakeOpenAIServer({
    handler: (request) => {
      if (request.body?.max_tokens === 1) return { choices: ["ok"] }; // capability probe
      if (request.prompt.includes("with usage")) {
        // vLLM's continuous usage: the prompt's count comes with the first token.
        return {
          choices: [text],
          usage: { promptTokens: 9 },
          delivery: { cutAfterTokens: 4, continuousUsage: true },
        };
      }
      if (request.prompt.includes("whole")) return { choices: [text] };
      if (request.prompt.includes("vote")) {
        // A strategy's samples: those of even seeds are cut after 4 tokens.
        const seed = Number(request.body?.seed);
        return seed % 2 === 0 ? { choices: [text], delivery: { cutAfterTokens: 4 } } : { choices: [text] };
      }
      return { choices: [text], delivery: { cutAfterTokens: 4 } };
    },
  });
  const config = parseServerConfig({
    limits: { keyTokensPerMinute: 1_000_000 },
    upstreams: [
      {
        name: "cutting",
        baseUrl: fake.url,
        models: ["cut-model"],
        allowedNetworks: ["127.0.0.1/32"],
        maxRetries: 0,
        scorer: "none",
        circuitBreaker: { failureThreshold: 100, cooldownMilliseconds: 10_000 },
      },
    ],
  });
  assembled = await assembleServer(config, {
    apiKeys: [key],
    logger: pino({ level: "silent" }),
    clock: manualClock(),
    state: recorded.state,
  });
});

afterAll(async () => {
  await assembled?.dispose();
  await fake?.close();
});

function post(path: string, body: Record<string, unknown>): Promise<Response> {
  return Promise.resolve(
    assembled.server.app.request(path, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    }),
  );
}

const chat = (content: string) => ({
  model: "cut-model",
  messages: [{ role: "user", content }],
  max_tokens: 64,
  stream: true,
});

/** The value of one `/metrics` sample of the cut model's tokens, by kind (0 when absent). */
async function tokens(kind: "prompt" | "completion"): Promise<number> {
  const response = await assembled.server.app.request("/metrics", {
    headers: { authorization: `Bearer ${key}` },
  });
  const line = `mull_tokens_total{upstream="cutting",kind="${kind}",model="cut-model"} `;
  const found = (await response.text()).split("\n").find((sample) => sample.startsWith(line));
  return found === undefined ? 0 : Number(found.slice(line.length));
}

/** Runs one request to its end and returns its body, with what its reservation was settled with. */
async function charged(path: string, body: Record<string, unknown>) {
  const before = { prompt: await tokens("prompt"), completion: await tokens("completion") };
  const count = reservations.length;
  const response = await post(path, body);
  const streamed = await response.text();
  expect(reservations).toHaveLength(count + 1);
  return {
    streamed,
    settled: reservations[count]?.settled,
    reserved: reservations[count]?.reserved,
    counted: {
      prompt: (await tokens("prompt")) - before.prompt,
      completion: (await tokens("completion")) - before.completion,
    },
  };
}

/** The text of a chat stream's `delta.content` pieces. */
function contentOf(streamed: string): string {
  return streamed
    .split("\n\n")
    .filter((event) => event.startsWith("data: {") && !event.includes('"error"'))
    .map((event) => JSON.parse(event.slice("data: ".length)).choices?.[0]?.delta?.content ?? "")
    .join("");
}

describe("a streamed pass-through whose upstream stream is cut after some tokens", () => {
  it("charges the key and /metrics the pieces it delivered, and the prompt as planned, when no usage came", async () => {
    const { streamed, settled, reserved, counted } = await charged(
      "/v1/chat/completions",
      chat("Count without a usage chunk."),
    );
    expect(contentOf(streamed)).toBe("one two three four");
    expect(streamed).toContain('"code":"upstream_error"');
    expect(streamed).not.toContain("[DONE]");
    // The prompt as planned: what was reserved less max_tokens (estimated, the fake counts nothing).
    const planned = (reserved ?? 0) - 64;
    expect(planned).toBeGreaterThan(0);
    expect(settled).toBe(planned + 4);
    expect(counted).toEqual({ prompt: planned, completion: 4 });
  });

  it("charges the prompt a usage chunk told as well", async () => {
    const { streamed, settled, counted } = await charged(
      "/v1/chat/completions",
      chat("Count with usage, please."),
    );
    expect(contentOf(streamed)).toBe("one two three four");
    expect(settled).toBe(9 + 4);
    expect(counted).toEqual({ prompt: 9, completion: 4 });
  });

  it("charges a text completions stream the same way", async () => {
    const { streamed, settled, counted } = await charged("/v1/completions", {
      model: "cut-model",
      prompt: "Count with usage, as text.",
      max_tokens: 64,
      stream: true,
    });
    expect(streamed).toContain('"code":"upstream_error"');
    expect(settled).toBe(9 + 4);
    expect(counted).toEqual({ prompt: 9, completion: 4 });
  });

  it("charges an Anthropic /v1/messages stream the same way", async () => {
    const { streamed, settled, counted } = await charged("/v1/messages", {
      model: "cut-model",
      max_tokens: 64,
      stream: true,
      messages: [{ role: "user", content: "Count with usage, the Anthropic way." }],
    });
    expect(streamed).toContain("event: error");
    expect(settled).toBe(9 + 4);
    expect(counted).toEqual({ prompt: 9, completion: 4 });
  });

  it("still charges an answer that came whole what the upstream reported, and no more", async () => {
    const { settled, counted } = await charged("/v1/chat/completions", chat("Answer whole."));
    expect(counted.completion).toBe(text.split(" ").length);
    expect(settled).toBe(counted.prompt + counted.completion);
  });
});

describe("a streamed strategy request one of whose samples' stream is cut", () => {
  it("charges the cut sample's tokens along with the finished one's", async () => {
    const { streamed, settled, counted } = await charged("/v1/chat/completions", {
      ...chat("Count, then vote."),
      model: "sc@2:cut-model",
      mull: { seed: 4 },
    });
    expect(streamed).toContain("data: [DONE]");
    // The prompt is read by both samples; the finished one wrote 8 tokens, the cut one 4.
    expect(counted.completion).toBe(text.split(" ").length + 4);
    expect(counted.prompt).toBeGreaterThan(0);
    expect(counted.prompt % 2).toBe(0);
    expect(settled).toBe(counted.prompt + counted.completion);
  });
});
