import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FakeOpenAIRequest,
  type FakeOpenAIServer,
  type FakeReply,
  startFakeOpenAIServer,
} from "../testing/fake-openai-server.ts";
import { type AssembledServer, assembleServer } from "./assemble-server.ts";
import { parseServerConfig } from "./config/index.ts";
import { listenServer, type RunningServer } from "./listen-server.ts";

// Upstream streams that never end (RELIABILITY.md, "No [DONE]"), a slow first token on a plain request,
// and a strategy that loses every sample, through the proxy over loopback. The fake upstream picks its
// fault from a marker in the prompt.

const key = "sk-faults-no-done";
const solution = "Step one. Step two.\n#### 12";
/** The fake's tokens of `solution`, one per word with the space before it. */
const solutionTokens = 6;
let fake: FakeOpenAIServer;
let assembled: AssembledServer;
let running: RunningServer;

/** Attempts the fake saw for a marker (capability probes left out). */
const attempts = (marker: string): FakeOpenAIRequest[] =>
  fake.requests.filter((request) => request.prompt.includes(marker) && request.body?.max_tokens !== 1);

function reply(request: FakeOpenAIRequest): FakeReply {
  const ok = { choices: Array.from({ length: request.n }, () => solution) };
  if (request.body?.max_tokens === 1) return ok; // capability probe
  const prompt = request.prompt;
  if (prompt.includes("fault:held-open")) return { ...ok, delivery: { holdOpenWithoutDone: true } };
  if (prompt.includes("fault:cut-always")) return { ...ok, delivery: { cutAfterTokens: 2 } };
  if (prompt.includes("fault:late-first") && attempts(prompt).length === 1) {
    return { ...ok, delivery: { headerDelayMilliseconds: 3_000 } };
  }
  return ok;
}

beforeAll(async () => {
  fake = await startFakeOpenAIServer({ handler: reply });
  const upstream = {
    baseUrl: fake.url,
    allowedNetworks: ["127.0.0.1/32"],
    timeoutMilliseconds: 60_000,
    // Long on purpose: a held-open stream that only the stall timer ended would take 20 s an attempt, so
    // the answers below could not come within the test's time. That is the guard, not a speed target.
    stallTimeoutMilliseconds: 20_000,
    maxRetries: 2,
    scorer: "none" as const,
    circuitBreaker: { failureThreshold: 1000 },
  };
  const config = parseServerConfig({
    server: { logLevel: "silent", keepAliveMilliseconds: 100 },
    upstreams: [
      { name: "fake", models: ["fake-model"], ...upstream },
      {
        name: "limited",
        models: [{ name: "limited-model", upstreamModel: "fake-model" }],
        ...upstream,
        firstTokenTimeoutMilliseconds: 500,
      },
    ],
  });
  assembled = await assembleServer(config, { apiKeys: [key], logger: pino({ level: "silent" }) });
  running = await listenServer(assembled.server, { host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await running?.shutdown(1_000);
  await assembled?.dispose();
  await fake?.close();
});

function ask(content: string, extra: Record<string, unknown> = {}): Promise<Response> {
  return fetch(`${running.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: "fake-model", messages: [{ role: "user", content }], ...extra }),
  });
}

/** One `data:` payload of a chat completion stream, as far as these tests read it. */
interface StreamChunk {
  readonly choices?: readonly {
    readonly index: number;
    readonly delta?: { readonly content?: string };
    readonly finish_reason?: string | null;
  }[];
  readonly usage?: Readonly<Record<string, number>>;
  readonly error?: unknown;
}

/** The `data:` payloads of an SSE body, and whether it ended with `[DONE]`. */
function events(text: string): { payloads: StreamChunk[]; done: boolean } {
  const data = text
    .split("\n\n")
    .filter((block) => block.startsWith("data: "))
    .map((block) => block.slice("data: ".length));
  return {
    payloads: data.filter((item) => item !== "[DONE]").map((item) => JSON.parse(item)),
    done: data.at(-1) === "[DONE]",
  };
}

async function released(): Promise<void> {
  const deadline = performance.now() + 5_000;
  while (fake.openRequests > 0 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(fake.openRequests).toBe(0);
}

describe("an upstream stream complete but for [DONE], held open", () => {
  it("a streamed pass-through sends the whole text, finish reason and usage, then [DONE]", async () => {
    const response = await ask("fault:held-open a", {
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(response.status).toBe(200);
    const { payloads, done } = events(await response.text());
    expect(done).toBe(true);
    expect(payloads.some((payload) => payload.error !== undefined)).toBe(false);
    const text = payloads.map((payload) => payload.choices?.[0]?.delta?.content ?? "").join("");
    expect(text).toBe(solution);
    expect(payloads.at(-2)?.choices?.[0]?.finish_reason).toBe("stop");
    expect(payloads.at(-1)?.usage).toMatchObject({ completion_tokens: solutionTokens });
    expect(attempts("fault:held-open a")).toHaveLength(1);
    // The proxy let go of the upstream connection the fake was holding open.
    await released();
  });

  it("a streamed pass-through of n = 2 sends both choices whole", async () => {
    const response = await ask("fault:held-open b", { stream: true, n: 2, temperature: 0.7 });
    expect(response.status).toBe(200);
    const { payloads, done } = events(await response.text());
    expect(done).toBe(true);
    const texts = [0, 1].map((index) =>
      payloads
        .flatMap((payload) => payload.choices ?? [])
        .filter((choice) => choice.index === index)
        .map((choice) => choice.delta?.content ?? "")
        .join(""),
    );
    expect(texts).toEqual([solution, solution]);
    const finishes = payloads.flatMap((payload) =>
      (payload.choices ?? []).flatMap((choice) =>
        choice.finish_reason === null || choice.finish_reason === undefined ? [] : [choice.finish_reason],
      ),
    );
    expect(finishes).toEqual(["stop", "stop"]);
    expect(attempts("fault:held-open b")).toHaveLength(1);
    await released();
  });

  it("sc@2 answers from both samples, each taken whole without a retry", async () => {
    const response = await ask("fault:held-open c", { model: "sc@2:fake-model", temperature: 0.7 });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.choices[0].message.content).toBe(solution);
    expect(body.choices[0].finish_reason).toBe("stop");
    expect(body.mull.samples).toEqual({ requested: 2, ok: 2, failed: 0 });
    expect(body.mull.votes).toEqual({ "12": 2 });
    expect(body.usage.completion_tokens).toBe(2 * solutionTokens);
    expect(attempts("fault:held-open c")).toHaveLength(2);
    await released();
  });
});

describe("a strategy that loses every sample", () => {
  it("answers sc@4 with the quorum error, 0 of 4, naming the first failure", async () => {
    const response = await ask("fault:cut-always d", { model: "sc@4:fake-model", temperature: 0.7 });
    expect(response.status).toBe(502);
    const { error } = await response.json();
    expect(error.code).toBe("samples_below_quorum");
    expect(error.message).toMatch(/^only 0 of 4 samples succeeded, below the quorum; first failure: /);
    expect(error.message).toMatch(/while reading the stream/);
    expect(error.message).not.toContain(fake.url);
    // Each of the 4 samples was tried 3 times (2 retries).
    expect(attempts("fault:cut-always d")).toHaveLength(12);
  });
});

describe("a first-token limit", () => {
  it("holds for a plain request too: the upstream call is streamed, the late attempt cut and retried", async () => {
    const response = await ask("fault:late-first e", { model: "limited-model" });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.choices[0].message.content).toBe(solution);
    expect(body.usage.completion_tokens).toBe(solutionTokens);
    const sent = attempts("fault:late-first e");
    expect(sent.map((request) => request.stream)).toEqual([true, true]);
    // The second attempt went out when the 500 ms limit cut the first, long before its 3 s headers.
    const [first, second] = sent as [FakeOpenAIRequest, FakeOpenAIRequest];
    expect(second.receivedAt - first.receivedAt).toBeLessThan(3_000);
  });
});
