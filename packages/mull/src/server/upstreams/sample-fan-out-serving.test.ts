import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { type AssembledServer, assembleServer } from "../assemble-server.ts";
import { parseServerConfig } from "../config/index.ts";
import { recordingServingState } from "../key-budget-probes.test-support.ts";

// The fan-out of a strategy's samples through `mull serve`, in front of a real HTTP upstream on loopback:
// a time limit that stops a run while some samples are still queued upstream (no token yet, as
// llama-server queues requests beyond its slots) charges the tokens the others reported, and a run
// whose every sample failed while the circuit opened answers the quorum error with a real failure.

const key = "sk-fan-out";
const answer = "The answer is 42."; // 4 word tokens, as the fake upstream counts them
let queueing: FakeOpenAIServer;
let failing: FakeOpenAIServer;
let assembled: AssembledServer;
const recorded = recordingServingState();

/** Seeds seen in first attempts, and each sample's first attempt waiting for its pair. */
const firstAttempts = new Map<number, () => void>();

beforeAll(async () => {
  queueing = await startFakeOpenAIServer({
    handler: (request) => {
      if (request.body?.max_tokens === 1) return { choices: ["ok"] }; // capability probe
      // Samples of even seeds answer at once; the others wait in the upstream's queue, longer than the
      // request's time limit (all of them for a prompt that says "queued").
      const queued = Number(request.body?.seed) % 2 === 1 || request.prompt.includes("queued");
      return { choices: [answer], ...(queued ? { delivery: { headerDelayMilliseconds: 5_000 } } : {}) };
    },
  });
  failing = await startFakeOpenAIServer({
    handler: async (request) => {
      if (request.body?.max_tokens === 1) return { choices: ["ok"] };
      const seed = Number(request.body?.seed);
      if (!request.prompt.includes("pair") || firstAttempts.has(seed)) {
        return { status: 500, message: `overloaded (seed ${seed})`, retryAfterMilliseconds: 10 };
      }
      // A pair of samples: both first attempts arrive, then the second sample's fail at once (twice, which
      // opens the circuit) while the first sample's first attempt fails later, and its retry is refused.
      await new Promise<void>((resolve) => {
        firstAttempts.set(seed, resolve);
        if (firstAttempts.size === 2) for (const release of firstAttempts.values()) release();
      });
      const first = Math.min(...firstAttempts.keys());
      if (seed === first) await new Promise((resolve) => setTimeout(resolve, 300));
      return { status: 500, message: `overloaded (seed ${seed})`, retryAfterMilliseconds: 10 };
    },
  });
  const common = { allowedNetworks: ["127.0.0.1/32"], scorer: "none" as const };
  const config = parseServerConfig({
    limits: { keyTokensPerMinute: 1_000_000 },
    upstreams: [
      { name: "queueing", baseUrl: queueing.url, models: ["queue-model"], maxRetries: 0, ...common },
      {
        name: "pair",
        baseUrl: failing.url,
        models: ["pair-model"],
        maxRetries: 1,
        circuitBreaker: { failureThreshold: 2, cooldownMilliseconds: 60_000 },
        ...common,
      },
      // mull serve's defaults: 2 retries, a circuit that opens after 5 failed calls in a row.
      { name: "failing", baseUrl: failing.url, models: ["failing-model"], ...common },
    ],
  });
  assembled = await assembleServer(config, {
    apiKeys: [key],
    logger: pino({ level: "silent" }),
    state: recorded.state,
  });
});

afterAll(async () => {
  await assembled?.dispose();
  await Promise.all([queueing?.close(), failing?.close()]);
});

function post(body: Record<string, unknown>): Promise<Response> {
  return Promise.resolve(
    assembled.server.app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    }),
  );
}

/** The `/metrics` count of the queueing model's completion tokens. */
async function completionTokensCounted(): Promise<number> {
  const response = await assembled.server.app.request("/metrics", {
    headers: { authorization: `Bearer ${key}` },
  });
  const line = 'mull_tokens_total{upstream="queueing",kind="completion",model="queue-model"} ';
  const found = (await response.text()).split("\n").find((sample) => sample.startsWith(line));
  return found === undefined ? 0 : Number(found.slice(line.length));
}

const timed = (content: string, extra: Record<string, unknown> = {}) => ({
  model: "sc@8:queue-model",
  seed: 3,
  max_tokens: 100,
  messages: [{ role: "user", content }],
  mull: { budget: { max_milliseconds: 600 } },
  ...extra,
});

describe("a time limit that stops a strategy while some samples are still queued upstream", () => {
  it("reports and charges the finished samples' completion tokens, none for the queued ones", async () => {
    const before = { counted: await completionTokensCounted(), reservations: recorded.reservations.length };
    const response = await post(timed("What is 6 times 7?"));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.mull.stopped_by).toBe("time");
    expect(body.mull.samples).toEqual({ requested: 8, ok: 4, failed: 0 });
    // Before: completion tokens null, a note that the backend reports none, and the reservation kept.
    expect(body.usage.completion_tokens).toBe(4 * 4);
    expect(body.mull.usage.completion_tokens).toBe(4 * 4);
    expect(body.mull.notes ?? []).not.toContainEqual(expect.stringContaining("does not report token counts"));
    expect((await completionTokensCounted()) - before.counted).toBe(4 * 4);
    const reservation = recorded.reservations[before.reservations];
    expect(reservation?.settled).toBe(body.usage.prompt_tokens + 4 * 4);
    expect(reservation?.settled).toBeLessThan(reservation?.reserved ?? 0);
  });

  it("says the same in a stream's usage chunk", async () => {
    const response = await post(
      timed("And 5 times 8?", { stream: true, stream_options: { include_usage: true } }),
    );
    const chunks = (await response.text())
      .split("\n")
      .filter((line) => line.startsWith("data: {"))
      .map((line) => JSON.parse(line.slice("data: ".length)));
    const last = chunks.at(-1);
    expect(last.usage.completion_tokens).toBe(4 * 4);
    expect(last.mull.usage.completion_tokens).toBe(4 * 4);
  });

  it("says no completion token, not an unknown count, in the 504 of a run with no sample finished", async () => {
    const response = await post(timed("Every sample is queued: 2 + 2?"));
    expect(response.status).toBe(504);
    const body = await response.json();
    expect(body.error.code).toBe("timeout");
    expect(body.mull.usage).toMatchObject({ completion_tokens: 0, calls: 8 });
  });
});

describe("a strategy whose every sample fails while the upstream's circuit opens", () => {
  it("answers 502 samples_below_quorum with the earliest real failure, not a later sample's refusal", async () => {
    const response = await post({
      model: "sc@2:pair-model",
      temperature: 0.7,
      messages: [{ role: "user", content: "A pair of samples: 6 times 7?" }],
    });
    const body = await response.json();
    // Before: 503 upstream_unavailable, from the first sample's retry refused by the open circuit.
    expect(response.status).toBe(502);
    expect(response.headers.get("retry-after")).toBeNull();
    expect(body.error.code).toBe("samples_below_quorum");
    const second = Math.max(...firstAttempts.keys());
    expect(body.error.message).toMatch(
      new RegExp(
        `^only 0 of 2 samples succeeded, below the quorum; first failure: POST \\(upstream\\) failed with status 500[^:]*: overloaded \\(seed ${second}\\) \\(gave up after 2 attempts\\)$`,
      ),
    );
  });

  it("answers 502 samples_below_quorum under mull serve's default retries and circuit", async () => {
    const response = await post({
      model: "sc@4:failing-model",
      temperature: 0.7,
      messages: [{ role: "user", content: "6 times 7?" }],
    });
    const body = await response.json();
    // Before: 503 upstream_unavailable ("its circuit is open") for a circuit the request's own samples opened.
    expect(response.status).toBe(502);
    expect(body.error.code).toBe("samples_below_quorum");
    expect(body.error.message).toMatch(/^only 0 of 4 samples succeeded, below the quorum; first failure: /);
  });
});
