import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { BackendCallError } from "../errors/index.ts";
import { defaultModelProfile } from "../generation/index.ts";
import { labProcessReward } from "../lab/index.ts";
import { programmaticScorer } from "../scoring/index.ts";
import type { Backend, GenerationRequest } from "../spec/index.ts";
import { createScriptedBackend, type ScriptedBackendOptions } from "../testing/scripted-backend.ts";
import { scriptedThinking } from "../testing/scripted-thinking.ts";
import { parseServerConfig, type ServerConfigInput } from "./config/index.ts";
import { createServer } from "./create-server.ts";
import type { ServedModel } from "./upstreams/index.ts";

const key = "sk-test-key";
const answers = { distribution: { "42": 0.7, "41": 0.3 } };

function served(backend: Backend, extra: Partial<ServedModel> = {}): ServedModel {
  return {
    name: "m",
    upstream: "up",
    backend,
    kind: "other",
    profile: defaultModelProfile,
    contextWindow: undefined,
    scorer: programmaticScorer({ name: "checker", check: (_problem, solution) => solution.answer === "42" }),
    ...extra,
  };
}

function setup(
  options: {
    backend?: Backend;
    scripted?: ScriptedBackendOptions;
    model?: Partial<ServedModel>;
    server?: NonNullable<ServerConfigInput["server"]>;
    limits?: NonNullable<ServerConfigInput["limits"]>;
    apiKeys?: string[];
  } = {},
) {
  const scripted = createScriptedBackend(options.scripted ?? { answers });
  const backend = options.backend ?? scripted;
  const config = parseServerConfig({
    server: { keepAliveMilliseconds: 30, ...options.server },
    limits: {
      maxSamples: 16,
      maxTokens: 1000,
      defaultMaxTokens: 100,
      maxRequestTokens: 20_000,
      ...options.limits,
    },
    upstreams: [{ name: "up", baseUrl: "https://llm.example.com/v1", models: ["m"] }],
  });
  const server = createServer({
    config,
    models: [served(backend, options.model)],
    apiKeys: options.apiKeys ?? [key],
    logger: pino({ level: "silent" }),
  });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) =>
    server.app.request(path, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}`, ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
      ...(signal === undefined ? {} : { signal }),
    });
  const get = (path: string, headers: Record<string, string> = { authorization: `Bearer ${key}` }) =>
    server.app.request(path, { headers });
  return { server, scripted, post, get };
}

const chat = (extra: Record<string, unknown> = {}) => ({
  model: "m",
  messages: [{ role: "user", content: "What is 6 times 7?" }],
  ...extra,
});

/** The `data:` payloads of an SSE body, and its comments. */
function parseSse(text: string): { data: string[]; comments: number } {
  const data: string[] = [];
  let comments = 0;
  for (const block of text.split("\n\n")) {
    if (block.startsWith(":")) comments += 1;
    else if (block.startsWith("data: ")) data.push(block.slice(6));
  }
  return { data, comments };
}

/** A backend that fails every call with the given error, after an optional delay. */
function failing(error: Error, delayMilliseconds = 0): Backend {
  const scripted = createScriptedBackend({ answers });
  return {
    describe: () => scripted.describe(),
    capabilities: () => scripted.capabilities(),
    async generate() {
      if (delayMilliseconds > 0) await new Promise((resolve) => setTimeout(resolve, delayMilliseconds));
      throw error;
    },
  };
}

describe("createServer routes", () => {
  it("answers /health without a key, and every other route only with one", async () => {
    const { get, post } = setup();
    expect((await get("/health", {})).status).toBe(200);
    for (const path of ["/v1/models", "/metrics"]) {
      const refused = await get(path, {});
      expect(refused.status).toBe(401);
      expect((await refused.json()).error.code).toBe("invalid_api_key");
      expect((await get(path, { authorization: "Bearer sk-wrong" })).status).toBe(401);
      expect((await get(path)).status).toBe(200);
    }
    expect((await post("/v1/chat/completions", chat(), { authorization: "Bearer nope" })).status).toBe(401);
  });

  it("lists upstream models and strategy models", async () => {
    const { get } = setup({ server: { advertisedStrategies: ["sc@8", "bon@4"] } });
    const body = await (await get("/v1/models")).json();
    expect(body.data.map((model: { id: string }) => model.id)).toEqual(["m", "sc@8:m", "bon@4:m"]);
  });

  it("leaves out strategies the model has no scorer for", async () => {
    const { get } = setup({
      server: { advertisedStrategies: ["sc@8", "bon@4"] },
      model: { scorer: undefined },
    });
    const body = await (await get("/v1/models")).json();
    expect(body.data.map((model: { id: string }) => model.id)).toEqual(["m", "sc@8:m"]);
  });

  it("advertises step-level searches only for models with a process reward model", async () => {
    const without = setup({ server: { advertisedStrategies: ["sc@8", "pf@8"] } });
    const listed = await (await without.get("/v1/models")).json();
    expect(listed.data.map((model: { id: string }) => model.id)).toEqual(["m", "sc@8:m"]);
    const withPrm = setup({
      server: { advertisedStrategies: ["sc@8", "pf@8"] },
      model: { prm: labProcessReward() },
    });
    const all = await (await withPrm.get("/v1/models")).json();
    expect(all.data.map((model: { id: string }) => model.id)).toEqual(["m", "sc@8:m", "pf@8:m"]);
  });

  it("passes a request without a strategy through, with its sampling settings and usage", async () => {
    const { post, scripted } = setup();
    const response = await post(
      "/v1/chat/completions",
      chat({ n: 3, temperature: 0.5, max_tokens: 50, seed: 7, stop: "END" }),
    );
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.object).toBe("chat.completion");
    expect(body.choices).toHaveLength(3);
    expect(body.mull).toBeUndefined();
    expect(scripted.calls).toHaveLength(1);
    const request = scripted.calls[0]?.request as GenerationRequest;
    expect(request).toMatchObject({ n: 3, temperature: 0.5, maxTokens: 50, seed: 7, stop: ["END"] });
    const words = body.choices.reduce(
      (sum: number, choice: { message: { content: string } }) =>
        sum + choice.message.content.split(/\s+/).length,
      0,
    );
    expect(body.usage.completion_tokens).toBe(words);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
  });

  it("runs the strategy named by a model prefix and returns the best candidate of the winning answer", async () => {
    const { post, scripted } = setup();
    // A fixed seed: a fresh one per request can draw a 4–4 tie, which the answer that came first wins,
    // not the one the sorted vote object puts first. Seed 3 draws both answers and no tie.
    const response = await post("/v1/chat/completions", chat({ model: "sc@8:m", temperature: 0.8, seed: 3 }));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.model).toBe("sc@8:m");
    expect(body.mull.strategy).toBe("sc@8");
    expect(body.mull.candidates).toBe(8);
    const votes = body.mull.votes as Record<string, number>;
    expect(Object.values(votes).reduce((sum, count) => sum + count, 0)).toBe(8);
    const winner = Object.entries(votes).sort((a, b) => b[1] - a[1])[0]?.[0];
    expect(body.mull.answer).toBe(winner);
    expect(body.choices[0].message.content).toBe(`The answer is ${winner}.\n#### ${winner}`);
    const completions = scripted.calls.reduce((sum, call) => sum + (call.request.n ?? 1), 0);
    expect(completions).toBe(8);
    expect(body.usage.completion_tokens).toBe(body.mull.usage.completion_tokens);
    expect(body.mull.usage.calls).toBe(scripted.calls.length);
  });

  it("runs live probing named by a model prefix, with the cues of the model's profile", async () => {
    const thinkingCues = { answerCue: "\n=> ", continueCue: "\n" };
    const { post, scripted } = setup({
      model: { profile: { ...defaultModelProfile, thinkingCues } },
      scripted: {
        respond: scriptedThinking({
          traces: ["\na 6*7 is 42 #### 42", "\nb 6*7 is 42 #### 42"],
          answerCue: thinkingCues.answerCue,
          answer: () => "42",
        }),
      },
    });
    const response = await post(
      "/v1/chat/completions",
      chat({ model: "probe@2k2:m", temperature: 0.8, seed: 1 }),
    );
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.mull).toMatchObject({
      strategy: "probe@2k2",
      answer: "42",
      candidates: 2,
      stopped_by: "condition:consensus",
      partial: false,
    });
    // Two rounds of a chunk and a probe per trace; a probe continues the assistant message after the
    // profile's cue.
    expect(scripted.calls).toHaveLength(8);
    const probe = scripted.calls[2]?.request.prompt;
    expect(probe?.kind === "chat" ? probe.messages.at(-1)?.content : undefined).toBe("\na 6*7\n=> ");
    expect(body.choices[0].message.content).toBe("\na 6*7 is 42\n=> 42");
  });

  it("stops an adaptive strategy named by a model prefix early, reserving its whole sample count", async () => {
    const { post, scripted } = setup({ scripted: { responses: ["The answer is 7.\n#### 7"] } });
    const response = await post("/v1/chat/completions", chat({ model: "asc@16:m", temperature: 0.8 }));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.mull).toMatchObject({
      strategy: "asc@16",
      answer: "7",
      candidates: 4,
      stopped_by: "condition:adaptive-consistency",
      partial: false,
    });
    expect(scripted.calls).toHaveLength(4);
    // Sized by its typed sample count: 17 > maxSamples (16) is refused before any call.
    const refused = await post("/v1/chat/completions", chat({ model: "asc@17:m", temperature: 0.8 }));
    expect(refused.status).toBe(400);
    expect(scripted.calls).toHaveLength(4);
  });

  it("runs online DeepConf named by a model prefix: a warm-up that agrees ends it", async () => {
    const { post, scripted } = setup({ scripted: { responses: ["The answer is 7.\n#### 7"] } });
    const response = await post(
      "/v1/chat/completions",
      chat({ model: "deepconf-online@16:m", temperature: 0.8 }),
    );
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.choices[0].finish_reason).toBe("stop");
    expect(body.mull).toMatchObject({
      strategy: "deepconf-online@16",
      answer: "7",
      candidates: 4,
      stopped_by: "condition:consensus",
    });
    expect(scripted.calls.map((call) => call.request.topLogprobs)).toEqual([20]);
  });

  it("reports finish_reason length for a strategy's answer that was cut at max_tokens", async () => {
    const { post } = setup({ scripted: { responses: [{ text: "#### 7", finishReason: "length" }] } });
    const body = await (await post("/v1/chat/completions", chat({ model: "sc@2:m", temperature: 1 }))).json();
    expect(body.mull.answer).toBe("7");
    expect(body.choices[0].finish_reason).toBe("length");
  });

  it("samples afresh without a seed, and repeats a run given its seed back", async () => {
    const { post } = setup();
    const run = async (mull: Record<string, unknown>) =>
      (await (await post("/v1/chat/completions", chat({ model: "sc@8:m", temperature: 1, mull }))).json())
        .mull;
    const first = await run({});
    const second = await run({});
    expect(Number.isInteger(first.seed)).toBe(true);
    expect(first.seed).not.toBe(second.seed);
    const again = await run({ seed: first.seed });
    expect(again.seed).toBe(first.seed);
    expect(again.votes).toEqual(first.votes);
  });

  it("takes the strategy from the mull object, and returns n distinct answers as choices", async () => {
    const { post } = setup({
      scripted: { responses: ["#### 1", "#### 2", "#### 1", "#### 3", "#### 1", "#### 2"] },
    });
    const response = await post("/v1/chat/completions", chat({ n: 3, mull: { strategy: "sc", n: 6 } }));
    const body = await response.json();
    expect(body.mull.strategy).toBe("sc@6");
    expect(body.mull.votes).toEqual({ "1": 3, "2": 2, "3": 1 });
    expect(body.choices.map((choice: { message: { content: string } }) => choice.message.content)).toEqual([
      "#### 1",
      "#### 2",
      "#### 3",
    ]);
  });

  it("runs best-of-n with the model's scorer", async () => {
    const { post } = setup({ scripted: { responses: ["#### 41", "#### 41", "#### 42", "#### 41"] } });
    const body = await (await post("/v1/chat/completions", chat({ model: "bon@4:m" }))).json();
    expect(body.mull.strategy).toBe("bon@4");
    expect(body.choices[0].message.content).toBe("#### 42");
  });

  it("serves /v1/completions", async () => {
    const { post, scripted } = setup();
    const response = await post("/v1/completions", { model: "m", prompt: "Q: 6*7? A:", max_tokens: 20 });
    const body = await response.json();
    expect(body.object).toBe("text_completion");
    expect(typeof body.choices[0].text).toBe("string");
    expect(scripted.calls[0]?.request.prompt).toEqual({ kind: "text", text: "Q: 6*7? A:" });
  });

  it("returns log-probabilities in each endpoint's shape", async () => {
    const { post } = setup({ scripted: { responses: [{ text: "a b", logprob: -1 }] } });
    const chatBody = await (
      await post("/v1/chat/completions", chat({ logprobs: true, top_logprobs: 2 }))
    ).json();
    const content = chatBody.choices[0].logprobs.content;
    expect(content.map((entry: { token: string }) => entry.token).join("")).toBe("a b");
    expect(content[0].logprob).toBeCloseTo(-0.5);
    const textBody = await (await post("/v1/completions", { model: "m", prompt: "x", logprobs: 1 })).json();
    expect(textBody.choices[0].logprobs.tokens.join("")).toBe("a b");
    expect(textBody.choices[0].logprobs.text_offset).toEqual([0, 1]);
  });

  it("streams chunks, a usage chunk when asked, the mull object, then [DONE]", async () => {
    const { post } = setup();
    const response = await post(
      "/v1/chat/completions",
      chat({ model: "sc@4:m", stream: true, stream_options: { include_usage: true } }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    const { data } = parseSse(await response.text());
    expect(data.at(-1)).toBe("[DONE]");
    const chunks = data.slice(0, -1).map((line) => JSON.parse(line));
    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk")).toBe(true);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? "").join("");
    const last = chunks.at(-1);
    expect(last.choices).toEqual([]);
    expect(last.usage.total_tokens).toBe(last.usage.prompt_tokens + last.usage.completion_tokens);
    expect(last.mull.candidates).toBe(4);
    expect(text).toBe(`The answer is ${last.mull.answer}.\n#### ${last.mull.answer}`);
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === "stop")).toBe(true);
  });

  it.each([
    ["settles before the first keep-alive", 0],
    ["outlasts keep-alives", 80],
  ])("counts a stream that %s once it ends, and holds its slot until then", async (_case, delay) => {
    const { post, server } = setup({ scripted: { answers, delayMilliseconds: delay } });
    const response = await post("/v1/chat/completions", chat({ model: "sc@2:m", stream: true }));
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.text()).toMatch(/data: \[DONE\]\n\n$/);
    await server.idle();
    const text = await server.metrics.registry.metrics();
    expect(text).toMatch(
      /mull_http_requests_total\{route="\/v1\/chat\/completions",method="POST",status="200"\} 1/,
    );
    expect(text).toMatch(/mull_in_flight_requests 0/);
    // The process's memory, resident and V8 heap, in bytes: a soak reads both.
    const bytes = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, "m").exec(text)?.[1]);
    expect(bytes("mull_process_resident_memory_bytes")).toBeGreaterThan(
      bytes("mull_process_heap_used_bytes"),
    );
    expect(bytes("mull_process_heap_used_bytes")).toBeGreaterThan(1_000_000);
  });

  it("sends a strategy stream's headers and a first comment before any sample is back", async () => {
    const scripted = createScriptedBackend({ answers });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const held: Backend = {
      describe: () => scripted.describe(),
      capabilities: () => scripted.capabilities(),
      async generate(request, options) {
        await gate;
        return scripted.generate(request, options);
      },
    };
    // Keep-alives are far apart: the first bytes cannot be one that came due.
    const { post } = setup({ backend: held, server: { keepAliveMilliseconds: 60_000 } });
    const response = await post("/v1/chat/completions", chat({ model: "sc@2:m", stream: true }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe(": keep-alive\n\n");
    release();
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      rest += new TextDecoder().decode(chunk.value);
    }
    expect(rest).toMatch(/"mull":\{"strategy":"sc@2"[\s\S]*data: \[DONE\]\n\n$/);
  });

  it("sends keep-alive comments while a strategy works", async () => {
    const { post } = setup({ scripted: { answers, delayMilliseconds: 200 } });
    const response = await post("/v1/chat/completions", chat({ model: "sc@2:m", stream: true }));
    const { data, comments } = parseSse(await response.text());
    expect(comments).toBeGreaterThanOrEqual(2);
    expect(data.at(-1)).toBe("[DONE]");
  });

  it("sends an error that happens after the stream started as a data line", async () => {
    const error = new BackendCallError(
      "POST http://10.0.0.9/v1/chat/completions failed with status 500: boom",
      {
        status: 500,
      },
    );
    const { post } = setup({ backend: failing(error, 150) });
    const response = await post("/v1/chat/completions", chat({ stream: true }));
    expect(response.status).toBe(200);
    const { data } = parseSse(await response.text());
    expect(data).toHaveLength(1);
    const body = JSON.parse(data[0] as string);
    expect(body.error.code).toBe("upstream_error");
    expect(body.error.message).not.toContain("10.0.0.9");
  });

  it("answers a pass-through stream that fails at once with the real status", async () => {
    const error = new BackendCallError("POST x failed with status 429: slow down", {
      status: 429,
      retryAfterMilliseconds: 3000,
    });
    const { post } = setup({ backend: failing(error), server: { keepAliveMilliseconds: 5_000 } });
    const response = await post("/v1/chat/completions", chat({ stream: true }));
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("3");
  });

  it.each([
    [
      new BackendCallError(
        "POST http://10.0.0.9/v1/x failed with status 400 Bad Request: This model's maximum context length is 4096 tokens",
        { status: 400 },
      ),
      400,
      "context_length_exceeded",
    ],
    [
      new BackendCallError(
        "POST http://10.0.0.9/v1/x failed with status 401: Incorrect API key provided: sk-upstream-secret",
        { status: 401 },
      ),
      502,
      "upstream_auth_failed",
    ],
    [
      new BackendCallError("POST http://10.0.0.9/v1/x failed with status 503: down", { status: 503 }),
      502,
      "upstream_error",
    ],
    [
      new BackendCallError(
        "POST http://10.0.0.9/v1/x did not finish within its deadline of 100 ms (attempt 1)",
        { isRetryable: true },
      ),
      504,
      "upstream_timeout",
    ],
    [new Error("unexpected"), 500, "internal_error"],
  ])("maps upstream failures without their address or keys: %s", async (error, status, code) => {
    const { post } = setup({ backend: failing(error) });
    const response = await post("/v1/chat/completions", chat());
    expect(response.status).toBe(status);
    const body = await response.json();
    expect(body.error.code).toBe(code);
    expect(body.error.message).not.toMatch(/10\.0\.0\.9|sk-upstream-secret|unexpected/);
  });

  it("sheds load beyond maxInFlight with 429 and Retry-After, then recovers", async () => {
    const { post, server } = setup({
      server: { maxInFlight: 1, retryAfterSeconds: 2 },
      scripted: { answers, delayMilliseconds: 150 },
    });
    const first = post("/v1/chat/completions", chat());
    while (server.inFlight() === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    const refused = await post("/v1/chat/completions", chat());
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("2");
    expect((await refused.json()).error.code).toBe("server_overloaded");
    expect((await first).status).toBe(200);
    expect((await post("/v1/chat/completions", chat())).status).toBe(200);
    expect(server.inFlight()).toBe(0);
  });

  it("refuses new work with 503 while draining, and says so on /health", async () => {
    const { post, get, server } = setup();
    server.startDraining();
    expect((await get("/health", {})).status).toBe(503);
    const response = await post("/v1/chat/completions", chat());
    expect(response.status).toBe(503);
    expect(response.headers.get("connection")).toBe("close");
  });

  it("aborts the backend call when the client goes away", async () => {
    let seen: AbortSignal | undefined;
    const scripted = createScriptedBackend({ answers, delayMilliseconds: 10_000 });
    const backend: Backend = {
      describe: () => scripted.describe(),
      capabilities: () => scripted.capabilities(),
      generate(request, options) {
        seen = options?.signal;
        return scripted.generate(request, options);
      },
    };
    const { post, server } = setup({ backend });
    const controller = new AbortController();
    const pending = post("/v1/chat/completions", chat(), {}, controller.signal);
    while (seen === undefined) await new Promise((resolve) => setTimeout(resolve, 2));
    controller.abort();
    await Promise.resolve(pending).catch(() => undefined);
    expect(seen.aborted).toBe(true);
    await server.idle();
    const metrics = await (
      await server.app.request("/metrics", { headers: { authorization: `Bearer ${key}` } })
    ).text();
    expect(metrics).toMatch(/mull_client_disconnects_total 1/);
  });

  it("counts requests, tokens and rejections in /metrics", async () => {
    const { post, get } = setup();
    await post("/v1/chat/completions", chat({ model: "sc@4:m" }));
    await post("/v1/chat/completions", chat({ n: 0 }));
    const text = await (await get("/metrics")).text();
    expect(text).toMatch(
      /mull_http_requests_total\{route="\/v1\/chat\/completions",method="POST",status="200"\} 1/,
    );
    expect(text).toMatch(
      /mull_http_requests_total\{route="\/v1\/chat\/completions",method="POST",status="400"\} 1/,
    );
    expect(text).toMatch(/mull_rejected_requests_total\{reason="invalid"\} 1/);
    expect(text).toMatch(/mull_tokens_total\{upstream="up",kind="completion",model="m"\} [1-9]/);
    expect(text).toMatch(/mull_in_flight_requests 0/);
  });

  it("reserves per-key token budgets atomically: of 8 concurrent requests, exactly the covered share passes", async () => {
    // Each request may use up to 2 samples × (about 5 prompt + 100 max_tokens) = 210 tokens.
    const { post } = setup({
      limits: { keyTokensPerMinute: 1_050 },
      scripted: { answers, delayMilliseconds: 50 },
    });
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => post("/v1/chat/completions", chat({ n: 2, max_tokens: 100 }))),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const refused = responses.find((response) => response.status === 429);
    if (refused === undefined) throw new Error("no request was refused");
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await refused.json()).error.code).toBe("key_budget_exceeded");
  });

  it("works without keys (for loopback use)", async () => {
    const { server } = setup({ apiKeys: [] });
    expect((await server.app.request("/v1/models")).status).toBe(200);
  });
});

describe("sample loss", () => {
  function flaky(failOn: (callIndex: number) => boolean) {
    return setup({
      scripted: {
        responses: ["#### 7"],
        onCall: (_request, callIndex) => {
          if (failOn(callIndex))
            throw new BackendCallError("POST x: the stream ended without [DONE]", { isRetryable: true });
        },
      },
      model: { kind: "openai-compatible" },
    });
  }

  it("votes over the surviving samples and says how many were lost", async () => {
    const { post } = flaky((index) => index === 2 || index === 5);
    const body = await (await post("/v1/chat/completions", chat({ model: "sc@8:m" }))).json();
    expect(body.mull.samples).toEqual({ requested: 8, ok: 6, failed: 2 });
    expect(body.mull.candidates).toBe(6);
    expect(body.mull.votes).toEqual({ "7": 6 });
    expect(body.mull.stopped_by).toBe("samples-lost");
    expect(body.mull.partial).toBe(true);
  });

  it("fails clearly below the quorum", async () => {
    const { post } = flaky((index) => index % 4 !== 0);
    const response = await post("/v1/chat/completions", chat({ model: "sc@8:m" }));
    expect(response.status).toBe(502);
    const body = await response.json();
    expect(body.error.code).toBe("samples_below_quorum");
    expect(body.error.message).toMatch(/only 2 of 8 samples succeeded, below the quorum of 4/);
  });
});
