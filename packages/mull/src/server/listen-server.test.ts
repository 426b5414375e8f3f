import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { defaultModelProfile } from "../generation/index.ts";
import type { Backend } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { parseServerConfig } from "./config/index.ts";
import { createServer } from "./create-server.ts";
import { listenServer, type RunningServer } from "./listen-server.ts";

// A graceful shutdown over a real socket: while it drains, the server still accepts connections, so load
// balancers read 503 `draining` on /health and clients get 503 with Retry-After, not refused connections.

const key = "sk-listen";
let running: RunningServer | undefined;

afterEach(async () => {
  await running?.shutdown(100);
  running = undefined;
});

/** A backend whose calls wait for `release()` (or their abort); `signals` are the calls' abort signals. */
function gatedBackend() {
  const scripted = createScriptedBackend({ responses: ["The answer is 42.\n#### 42"] });
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const signals: AbortSignal[] = [];
  const backend: Backend = {
    describe: () => scripted.describe(),
    capabilities: () => scripted.capabilities(),
    async generate(request, options) {
      const signal = options?.signal;
      if (signal !== undefined) signals.push(signal);
      await new Promise<void>((resolve, reject) => {
        gate.then(resolve);
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
      return scripted.generate(request, options);
    },
  };
  return { backend, signals, release: () => open() };
}

async function start(backend: Backend): Promise<RunningServer> {
  const config = parseServerConfig({
    upstreams: [{ name: "up", baseUrl: "https://llm.example.com/v1", models: ["m"] }],
  });
  const server = createServer({
    config,
    models: [
      {
        name: "m",
        upstream: "up",
        backend,
        kind: "other",
        profile: defaultModelProfile,
        contextWindow: undefined,
        scorer: undefined,
      },
    ],
    apiKeys: [key],
    logger: pino({ level: "silent" }),
  });
  running = await listenServer(server, { host: "127.0.0.1", port: 0 });
  return running;
}

function ask(url: string): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "6 times 7?" }] }),
  });
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("listenServer shutdown", () => {
  it("keeps accepting while it drains: /health and new requests get 503, the one in flight finishes", async () => {
    const gated = gatedBackend();
    const served = await start(gated.backend);
    const inFlight = ask(served.url);
    await until(() => gated.signals.length === 1);
    const stopping = served.shutdown(10_000);

    const health = await fetch(`${served.url}/health`);
    expect(health.status).toBe(503);
    expect(health.headers.get("connection")).toBe("close");
    expect(await health.json()).toMatchObject({ status: "draining", in_flight: 1 });
    const refused = await ask(served.url);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect((await refused.json()).error.code).toBe("server_shutting_down");

    gated.release();
    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect((await answered.json()).choices[0].message.content).toContain("42");
    expect(await stopping).toEqual({ drained: true, cut: 0 });
    // Once drained, the server stops listening.
    expect(await fetch(`${served.url}/health`).catch(() => "refused")).toBe("refused");
  });

  it("answers /health with 503 until the grace period ends, then cuts what is left and stops", async () => {
    const gated = gatedBackend();
    const served = await start(gated.backend);
    const inFlight = ask(served.url).then(
      (response) => response.status,
      () => "closed",
    );
    await until(() => gated.signals.length === 1);
    // A grace far longer than a probe takes, even on a loaded machine: the probe lands inside it.
    const grace = 2_000;
    const started = performance.now();
    const stopping = served.shutdown(grace);
    const health = await fetch(`${served.url}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: "draining", in_flight: 1 });

    expect(await stopping).toEqual({ drained: false, cut: 1 });
    // The request was cut when the grace ended, not before (timers never fire early; 5 ms for rounding).
    expect(performance.now() - started).toBeGreaterThanOrEqual(grace - 5);
    expect(gated.signals[0]?.aborted).toBe(true);
    const outcome = await inFlight;
    expect(outcome === "closed" || (typeof outcome === "number" && outcome >= 500)).toBe(true);
    expect(await fetch(`${served.url}/health`).catch(() => "refused")).toBe("refused");
  });
});
