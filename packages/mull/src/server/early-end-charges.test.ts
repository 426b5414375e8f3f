import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { defaultModelProfile } from "../generation/index.ts";
import { manualClock } from "../runtime/index.ts";
import type {
  Backend,
  BackendCapabilities,
  CallOptions,
  GenerationRequest,
  GenerationResult,
  Prompt,
} from "../spec/index.ts";
import { startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { assembleServer } from "./assemble-server.ts";
import { parseServerConfig } from "./config/index.ts";
import { createServer } from "./create-server.ts";
import { recordingServingState } from "./key-budget-probes.test-support.ts";

// A request that ends early is charged what its upstream calls used: a pasc@N whose traces still running
// are cut once the vote is decided (their streams end before the server's usage, so the prompt is taken
// as counted), a streamed strategy request whose client goes away (499), and a run the budget cut before
// any sample (400 `budget_exhausted`, its usage in the error's `mull` object). The upstream here behaves
// as an HTTP one: it streams a token at a time, counts prompts (a token a character), and tells what an
// aborted request had received before it rejects.

const key = "sk-early-end";

/** One call the upstream served: the tokens it delivered, and how it ended. */
interface StreamedCall {
  delivered: number;
  ended: "running" | "finished" | "cut" | "aborted";
}

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
 * An upstream whose call `i` writes `lengths(i)` tokens (filler, then `#### 42`; fewer, finish reason
 * `length`, at the request's `maxTokens`), one per `pause`; a finished call reports its prompt (a token a
 * character, unless its prompts are `untold`) and tokens, a call its watcher cut or its signal
 * aborted reports only the tokens it delivered (its stream ended before the usage chunk). It counts
 * prompts (`countTokens`) unless told it `cannot count`.
 */
function streamingUpstream(
  lengths: (call: number) => number,
  pause: () => Promise<void>,
  counts: "counts" | "cannot count" = "counts",
  prompts: "reported" | "untold" = "reported",
) {
  const calls: StreamedCall[] = [];
  const backend: Backend = {
    describe: () => ({ kind: "streaming", model: "m" }),
    capabilities: async () => capabilities,
    ...(counts === "counts" ? { countTokens: async (prompt: Prompt) => characters(prompt) } : {}),
    async generate(request: GenerationRequest, options?: CallOptions): Promise<GenerationResult> {
      const call: StreamedCall = { delivered: 0, ended: "running" };
      calls.push(call);
      const natural = lengths(calls.length - 1);
      const length = Math.min(natural, request.maxTokens ?? Number.POSITIVE_INFINITY);
      const tokens = [...Array.from({ length: Math.max(0, length - 2) }, () => " so"), "\n####", " 42"].slice(
        -length,
      );
      const partial = (finishReason: "cut" | "abort"): GenerationResult => ({
        completions: [
          {
            index: 0,
            text: tokens.slice(0, call.delivered).join(""),
            finishReason,
            completionTokens: call.delivered,
          },
        ],
        usage: { promptTokens: undefined, completionTokens: call.delivered, calls: 1 },
        model: "m",
      });
      for (const token of tokens) {
        await pause();
        if (options?.signal?.aborted === true) {
          call.ended = "aborted";
          options.onAborted?.(partial("abort"));
          throw options.signal.reason;
        }
        call.delivered += 1;
        if (options?.watch?.(0, { token, logprob: -0.1 }) === "stop") {
          call.ended = "cut";
          return partial("cut");
        }
      }
      call.ended = "finished";
      return {
        completions: [
          {
            index: 0,
            text: tokens.join(""),
            finishReason: length < natural ? "length" : "stop",
            completionTokens: length,
          },
        ],
        usage: {
          promptTokens: prompts === "reported" ? characters(request.prompt) : undefined,
          completionTokens: length,
          calls: 1,
        },
        model: "m",
      };
    },
  };
  return { backend, calls };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A server in front of `backend`, its key's budget spied on: what each reservation reserved and was settled with. */
function serverFor(backend: Backend, keyTokensPerMinute = 1_000_000) {
  const config = parseServerConfig({
    limits: { keyTokensPerMinute, maxTokens: 1000, maxRequestTokens: 100_000 },
    upstreams: [{ name: "up", baseUrl: "https://llm.example.com/v1", models: ["m"] }],
  });
  const { state, reservations } = recordingServingState();
  const server = createServer({
    config,
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
  const post = (path: string, body: Record<string, unknown>) =>
    Promise.resolve(
      server.app.request(path, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: JSON.stringify(body),
      }),
    );
  const metricsText = async () =>
    (await server.app.request("/metrics", { headers: { authorization: `Bearer ${key}` } })).text();
  /** `mull_tokens_total` of the model, by kind (0 when absent). */
  const tokens = async (kind: "prompt" | "completion") => {
    const text = await metricsText();
    const line = `mull_tokens_total{upstream="up",kind="${kind}",model="m"} `;
    const found = text.split("\n").find((sample) => sample.startsWith(line));
    return found === undefined ? 0 : Number(found.slice(line.length));
  };
  return { post, tokens, reservations, metricsText };
}

const question = "What is six times seven? Answer after ####.";
const chat = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: "user", content: question }],
  max_tokens: 200,
  mull: { seed: 7 },
  ...extra,
});

/** The `data:` payloads of a stream, `[DONE]` left out. */
function payloads(streamed: string): Record<string, unknown>[] {
  return streamed
    .split("\n\n")
    .filter((event) => event.startsWith("data: {"))
    .map((event) => JSON.parse(event.slice("data: ".length)));
}

describe("pasc@N in front of an upstream whose cut streams never say their prompt", () => {
  it.each([
    false,
    true,
  ])("reports, charges and counts every trace's prompt as counted (stream: %s)", async (stream) => {
    const { backend, calls } = streamingUpstream((call) => 6 + 5 * call, nextTurn);
    const { post, tokens, reservations } = serverFor(backend);
    const response = await post(
      "/v1/chat/completions",
      chat("pasc@8:m", stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    );
    expect(response.status).toBe(200);
    const body = stream
      ? (payloads(await response.text()).find((chunk) => chunk.usage !== null && chunk.usage !== undefined) ??
        {})
      : ((await response.json()) as Record<string, unknown>);
    // Some traces were cut once the vote was decided, before their streams' usage.
    expect(calls).toHaveLength(8);
    expect(calls.some((call) => call.ended === "cut" || call.ended === "aborted")).toBe(true);
    expect(calls.some((call) => call.ended === "finished")).toBe(true);
    const prompt = 8 * question.length;
    const completion = calls.reduce((sum, call) => sum + call.delivered, 0);
    expect(body.usage).toEqual({
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
    });
    expect((body.mull as { usage: Record<string, unknown> }).usage).toMatchObject({
      prompt_tokens: prompt,
      completion_tokens: completion,
    });
    expect(reservations).toHaveLength(1);
    expect(reservations[0]?.settled).toBe(prompt + completion);
    expect(reservations[0]?.reserved).toBe(8 * (question.length + 200));
    expect({ prompt: await tokens("prompt"), completion: await tokens("completion") }).toEqual({
      prompt,
      completion,
    });
  });
});

describe("a request whose usage is partly unknown", () => {
  it("reports the counts it knows, and settles its key with them and the estimated prompt", async () => {
    const { backend, calls } = streamingUpstream((call) => 6 + 5 * call, nextTurn, "cannot count", "untold");
    const { post, tokens, reservations } = serverFor(backend);
    const response = await post("/v1/chat/completions", chat("pasc@8:m"));
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      usage: Record<string, number>;
      mull: { usage: Record<string, number | null> };
    };
    expect(calls.some((call) => call.ended !== "finished")).toBe(true);
    const completion = calls.reduce((sum, call) => sum + call.delivered, 0);
    // Only the completion tokens are known: the prompt and the total are left out, never 0.
    expect(body.usage).toEqual({ completion_tokens: completion });
    expect(body.mull.usage).toMatchObject({
      prompt_tokens: null,
      completion_tokens: completion,
      total_tokens: null,
      calls: 8,
    });
    // Reserved: 8 × (the estimated prompt + max_tokens); settled: what was generated and, for the prompt
    // no stream told, the estimate for each call. Never the whole reservation.
    const reserved = reservations[0]?.reserved ?? 0;
    const estimatedPrompt = reserved / 8 - 200;
    expect(estimatedPrompt).toBeGreaterThan(0);
    expect(reservations[0]?.settled).toBe(completion + 8 * estimatedPrompt);
    expect(reservations[0]?.settled).toBeLessThan(reserved);
    // `/metrics` counts what is known.
    expect({ prompt: await tokens("prompt"), completion: await tokens("completion") }).toEqual({
      prompt: 0,
      completion,
    });
  });

  it("reports, charges and counts the prompt its finished traces told for the traces cut before their usage", async () => {
    const { backend, calls } = streamingUpstream((call) => 6 + 5 * call, nextTurn, "cannot count");
    const { post, tokens, reservations } = serverFor(backend);
    const response = await post("/v1/chat/completions", chat("pasc@8:m"));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { usage: Record<string, number> };
    expect(calls.some((call) => call.ended === "finished")).toBe(true);
    expect(calls.some((call) => call.ended !== "finished")).toBe(true);
    // Every trace read the question, as the finished ones reported: the cut ones are told it too.
    const prompt = 8 * question.length;
    const completion = calls.reduce((sum, call) => sum + call.delivered, 0);
    expect(body.usage).toEqual({
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
    });
    expect(reservations[0]?.settled).toBe(prompt + completion);
    expect({ prompt: await tokens("prompt"), completion: await tokens("completion") }).toEqual({
      prompt,
      completion,
    });
  });
});

describe("a streamed strategy request whose client goes away", () => {
  it.each([
    "/v1/chat/completions",
    "/v1/messages",
  ])("is charged, and counted, what its upstream calls used up to the abort, before its end is recorded (%s)", async (path) => {
    // The first sample finishes at once; the others write slowly until the abort.
    const { backend, calls } = streamingUpstream(
      (call) => (call === 0 ? 4 : 500),
      () => new Promise((resolve) => setTimeout(resolve, 2)),
    );
    const { post, tokens, reservations, metricsText } = serverFor(backend);
    const response = await post(path, { ...chat("sc@6:m"), stream: true });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let seen = "";
    while (!seen.includes('"progress"')) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended before any progress: ${seen}`);
      seen += decoder.decode(value);
    }
    await reader.cancel();
    // The response's end (its 499 counted) waits for the aborted work: the key is settled by then.
    const ended = async () => (await metricsText()).includes('status="499"');
    for (let wait = 0; !(await ended()) && wait < 200; wait += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await ended()).toBe(true);
    expect(reservations[0]?.settled).toBeDefined();
    expect(calls.filter((call) => call.ended === "aborted").length).toBe(5);
    const completion = calls.reduce((sum, call) => sum + call.delivered, 0);
    expect(completion).toBeGreaterThan(4);
    // Every call read the prompt: the finished one said so, the aborted ones are charged it as counted.
    const prompt = 6 * question.length;
    expect(reservations[0]?.settled).toBe(prompt + completion);
    expect({ prompt: await tokens("prompt"), completion: await tokens("completion") }).toEqual({
      prompt,
      completion,
    });
  });
});

describe("a request whose budget ran out before any sample", () => {
  it("reports what it was charged in the error's mull object", async () => {
    const { backend, calls } = streamingUpstream(() => 40, nextTurn);
    const { post, tokens, reservations } = serverFor(backend);
    // The prompt and a few tokens: the one sample is cut by the budget, and is no sample.
    const response = await post(
      "/v1/chat/completions",
      chat("sc@2:m", { mull: { seed: 7, budget: { max_total_tokens: question.length + 6 } } }),
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: { code: string };
      mull: { usage: Record<string, number> };
    };
    expect(body.error.code).toBe("budget_exhausted");
    const completion = calls.reduce((sum, call) => sum + call.delivered, 0);
    expect(completion).toBeGreaterThan(0);
    const charged = question.length + completion;
    expect(body.mull.usage).toEqual({
      prompt_tokens: question.length,
      completion_tokens: completion,
      total_tokens: charged,
      calls: 1,
    });
    expect(reservations[0]?.settled).toBe(charged);
    expect((await tokens("prompt")) + (await tokens("completion"))).toBe(charged);
  });
});

describe("a key whose budget cannot cover a request", () => {
  it("is told how many tokens its window has left", async () => {
    const { backend } = streamingUpstream(() => 4, nextTurn);
    const { post } = serverFor(backend, 3_000);
    expect((await post("/v1/chat/completions", chat("m", { max_tokens: 900 }))).status).toBe(200);
    const refused = await post("/v1/chat/completions", chat("sc@4:m", { max_tokens: 900 }));
    // Its worst case is beyond the key's whole budget per minute: refused for good, still told the window.
    expect(refused.status).toBe(400);
    const { error } = (await refused.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("request_exceeds_key_budget");
    // The first request gave back what it did not use: its prompt and 4 tokens stay reserved.
    const left = 3_000 - (question.length + 4);
    expect(error.message).toContain(`${left} tokens are left in the current minute's window`);
  });
});

describe("a strategy request whose upstream's circuit opens while its samples' streams are cut", () => {
  it("is charged, and counted, the tokens the cut samples delivered, with its 502", async () => {
    const fake = await startFakeOpenAIServer({
      handler: (request) =>
        request.body?.max_tokens === 1
          ? { choices: ["ok"] }
          : { choices: ["one two three four five six seven eight"], delivery: { cutAfterTokens: 3 } },
    });
    const { state, reservations } = recordingServingState();
    const assembled = await assembleServer(
      parseServerConfig({
        limits: { keyTokensPerMinute: 1_000_000 },
        upstreams: [
          {
            name: "cutting",
            baseUrl: fake.url,
            models: ["cut-model"],
            allowedNetworks: ["127.0.0.1/32"],
            // The retries of the cut samples meet the circuit their first attempts opened.
            maxRetries: 1,
            scorer: "none",
            circuitBreaker: { failureThreshold: 2, cooldownMilliseconds: 10_000 },
          },
        ],
      }),
      { apiKeys: [key], logger: pino({ level: "silent" }), clock: manualClock(), state },
    );
    try {
      const response = await assembled.server.app.request("/v1/chat/completions", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: JSON.stringify({ model: "sc@4:cut-model", messages: [{ role: "user", content: "Count." }] }),
      });
      expect(response.status).toBe(502);
      const body = (await response.json()) as {
        error: { code: string };
        mull: { usage: Record<string, number | null> };
      };
      expect(body.error.code).toBe("samples_below_quorum");
      const sent = fake.requests.filter((request) => request.body?.max_tokens !== 1).length;
      expect(sent).toBeGreaterThanOrEqual(2);
      // Each request that reached the upstream delivered 3 tokens; no usage chunk told the prompt.
      expect(body.mull.usage).toMatchObject({ prompt_tokens: null, completion_tokens: 3 * sent });
      expect(reservations[0]?.settled).toBe(3 * sent);
      const metrics = await (
        await assembled.server.app.request("/metrics", { headers: { authorization: `Bearer ${key}` } })
      ).text();
      expect(metrics).toContain(
        `mull_tokens_total{upstream="cutting",kind="completion",model="cut-model"} ${3 * sent}`,
      );
    } finally {
      await assembled.dispose();
      await fake.close();
    }
  });
});
