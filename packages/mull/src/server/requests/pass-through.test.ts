import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { defaultModelProfile } from "../../generation/index.ts";
import type {
  Backend,
  BackendCapabilities,
  CallOptions,
  GenerationRequest,
  GenerationResult,
  Prompt,
} from "../../spec/index.ts";
import { parseServerConfig } from "../config/index.ts";
import { createServer } from "../create-server.ts";
import { memoryServingState, type ServingState } from "../state/index.ts";

// A streamed pass-through whose client goes away is charged, to its key and in `/metrics`, what its
// upstream generated up to the abort (as it tells it), or the pieces it streamed where it tells nothing,
// plus its prompt as counted, on every endpoint that passes through: never 0.

const key = "sk-pass-through";

const capabilities: BackendCapabilities = {
  n: false,
  logprobs: true,
  topLogprobs: false,
  maxTopLogprobs: undefined,
  promptLogprobs: false,
  score: false,
  seed: true,
  chat: true,
  completion: true,
  continuePrefix: false,
  grammar: false,
  topK: false,
  watchTokens: true,
};

function characters(prompt: Prompt): number {
  return prompt.kind === "text"
    ? prompt.text.length
    : prompt.messages.reduce((sum, message) => sum + message.content.length, 0);
}

/**
 * An upstream that streams ` so` every 2 ms, 500 times, and counts prompts (a token a character). At an
 * abort it tells two tokens a piece streamed (it had generated more than it sent), or, `silent`, nothing.
 */
function streamingUpstream(silent: boolean) {
  const upstream = { streamed: 0, counted: [] as number[], ended: "running" };
  const backend: Backend = {
    describe: () => ({ kind: "streaming", model: "m" }),
    capabilities: async () => capabilities,
    countTokens: async (prompt: Prompt) => {
      upstream.counted.push(characters(prompt));
      return characters(prompt);
    },
    async generate(request: GenerationRequest, options?: CallOptions): Promise<GenerationResult> {
      for (let piece = 0; piece < 500; piece += 1) {
        await new Promise((resolve) => setTimeout(resolve, 2));
        if (options?.signal?.aborted === true) {
          upstream.ended = "aborted";
          const generated = 2 * upstream.streamed;
          if (!silent) {
            options.onAborted?.({
              completions: [{ index: 0, text: "", finishReason: "abort", completionTokens: generated }],
              usage: { promptTokens: undefined, completionTokens: generated, calls: 1 },
              model: "m",
            });
          }
          throw options.signal.reason;
        }
        upstream.streamed += 1;
        options?.onText?.(" so", 0);
      }
      upstream.ended = "finished";
      return {
        completions: [{ index: 0, text: " so".repeat(500), finishReason: "stop", completionTokens: 500 }],
        usage: { promptTokens: characters(request.prompt), completionTokens: 500, calls: 1 },
        model: "m",
      };
    },
  };
  return { backend, upstream };
}

/** A server in front of `backend`, what each reservation of its key was settled with recorded. */
function serverFor(backend: Backend) {
  const settled: (number | undefined)[] = [];
  const memory = memoryServingState();
  const state: ServingState = {
    ...memory,
    keyBudget: (tokensPerMinute) => {
      const store = memory.keyBudget(tokensPerMinute);
      return {
        async reserve(id, tokens) {
          const answer = await store.reserve(id, tokens);
          if ("retryAfterSeconds" in answer) return answer;
          return {
            settle(used) {
              settled.push(used);
              return answer.settle(used);
            },
          };
        },
      };
    },
  };
  const server = createServer({
    config: parseServerConfig({
      limits: { keyTokensPerMinute: 1_000_000, maxTokens: 1000, maxRequestTokens: 100_000 },
      upstreams: [{ name: "up", baseUrl: "https://llm.example.com/v1", models: ["m"] }],
    }),
    models: [
      {
        name: "m",
        upstream: "up",
        backend,
        kind: "openai-compatible",
        profile: defaultModelProfile,
        contextWindow: undefined,
        scorer: undefined,
      },
    ],
    apiKeys: [key],
    logger: pino({ level: "silent" }),
    state,
  });
  const metricsText = async () =>
    (await server.app.request("/metrics", { headers: { authorization: `Bearer ${key}` } })).text();
  const tokens = async (kind: "prompt" | "completion") => {
    const line = `mull_tokens_total{upstream="up",kind="${kind}",model="m"} `;
    const found = (await metricsText()).split("\n").find((sample) => sample.startsWith(line));
    return found === undefined ? 0 : Number(found.slice(line.length));
  };
  return { app: server.app, settled, metricsText, tokens };
}

const question = "What is six times seven?";
const bodies: Record<string, Record<string, unknown>> = {
  "/v1/chat/completions": { model: "m", messages: [{ role: "user", content: question }] },
  "/v1/completions": { model: "m", prompt: question },
  "/v1/messages": { model: "m", messages: [{ role: "user", content: question }] },
};

describe("a streamed pass-through whose client goes away", () => {
  it.each([
    ["/v1/chat/completions", "tells what it generated"],
    ["/v1/completions", "tells what it generated"],
    ["/v1/messages", "tells what it generated"],
    ["/v1/chat/completions", "tells nothing"],
    ["/v1/messages", "tells nothing"],
  ])("is charged its prompt and what was generated (%s, an upstream that %s)", async (path, telling) => {
    const silent = telling === "tells nothing";
    const { backend, upstream } = streamingUpstream(silent);
    const { app, settled, metricsText, tokens } = serverFor(backend);
    const response = await app.request(path, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ ...bodies[path], max_tokens: 600, stream: true }),
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    while (upstream.streamed < 20) {
      const { done } = await reader.read();
      if (done) throw new Error("the stream ended before 20 pieces");
    }
    await reader.cancel();
    // The response's end (its 499 counted) waits for the aborted work: the key is settled by then.
    const ended = async () => (await metricsText()).includes('status="499"');
    for (let wait = 0; !(await ended()) && wait < 200; wait += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await ended()).toBe(true);
    expect(upstream.ended).toBe("aborted");
    const prompt = upstream.counted.at(-1) ?? 0;
    expect(prompt).toBeGreaterThan(0);
    const completion = silent ? upstream.streamed : 2 * upstream.streamed;
    expect(upstream.streamed).toBeGreaterThanOrEqual(20);
    expect(settled).toEqual([prompt + completion]);
    expect({ prompt: await tokens("prompt"), completion: await tokens("completion") }).toEqual({
      prompt,
      completion,
    });
  });
});
