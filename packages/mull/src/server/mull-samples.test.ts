import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { BackendCallError } from "../errors/index.ts";
import { defaultModelProfile } from "../generation/index.ts";
import { createScriptedBackend, type ScriptedBackendOptions } from "../testing/scripted-backend.ts";
import { parseServerConfig } from "./config/index.ts";
import { createServer } from "./create-server.ts";
import type { ServedModel } from "./upstreams/index.ts";

// Every upstream kind fills the `mull` object's `samples` (and the samples metric): an HTTP upstream's
// samples are drawn one request each, the embedded model draws a call's samples itself.

function setup(
  kind: ServedModel["kind"],
  scripted: ScriptedBackendOptions = { answers: { distribution: { "42": 0.7, "41": 0.3 } } },
) {
  const backend = createScriptedBackend(scripted);
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
        kind,
        profile: defaultModelProfile,
        contextWindow: undefined,
        scorer: undefined,
      },
    ],
    logger: pino({ level: "silent" }),
  });
  const post = (body: Record<string, unknown>) =>
    server.app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "What is 6 times 7?" }], ...body }),
    });
  return { server, backend, post };
}

describe("the mull object's samples", () => {
  it.each([
    "embedded",
    "openai-compatible",
    "other",
  ] as const)("are reported for a strategy over an upstream of kind %s, whole and streamed, and counted in /metrics", async (kind) => {
    const { server, backend, post } = setup(kind);
    const body = await (await post({ model: "sc@6:m", temperature: 1 })).json();
    expect(body.mull.samples).toEqual({ requested: 6, ok: 6, failed: 0 });
    // The embedded model answers a call's n itself; an HTTP upstream's samples are a request each.
    expect(backend.calls.length).toBe(kind === "openai-compatible" ? 6 : 1);
    const streamed = await (await post({ model: "sc@4:m", temperature: 1, stream: true })).text();
    const last = streamed
      .split("\n")
      .filter((line) => line.startsWith("data: {"))
      .map((line) => JSON.parse(line.slice("data: ".length)))
      .at(-1);
    expect(last.mull.samples).toEqual({ requested: 4, ok: 4, failed: 0 });
    const metrics = await (await server.app.request("/metrics")).text();
    expect(metrics).toContain('mull_samples_total{upstream="up",outcome="ok"} 10');
  });

  it("count a sample lost to an upstream failure as failed, in the mull object and in /metrics", async () => {
    const { server, post } = setup("openai-compatible", {
      responses: ["#### 42"],
      onCall: (_request, index) => {
        if (index === 1)
          throw new BackendCallError("POST /chat/completions: the stream was cut", { isRetryable: true });
      },
    });
    const body = await (await post({ model: "sc@3:m", temperature: 1 })).json();
    expect(body.mull.samples).toEqual({ requested: 3, ok: 2, failed: 1 });
    const metrics = await (await server.app.request("/metrics")).text();
    expect(metrics).toContain('mull_samples_total{upstream="up",outcome="ok"} 2');
    expect(metrics).toContain('mull_samples_total{upstream="up",outcome="failed"} 1');
  });

  it("are left out of a request without a strategy, which draws its n in one call", async () => {
    const { post } = setup("embedded");
    const body = await (await post({ model: "m", n: 2 })).json();
    expect(body.choices).toHaveLength(2);
    expect(body.mull).toBeUndefined();
  });
});
