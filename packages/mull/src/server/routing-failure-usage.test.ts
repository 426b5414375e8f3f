import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { type AssembledServer, assembleServer } from "./assemble-server.ts";
import { parseServerConfig } from "./config/index.ts";
import { listenServer, type RunningServer } from "./listen-server.ts";

// A cascade whose small model splits its votes, so the cascade escalates, and whose large model answers
// its first sample and never the others: the client leaves, the request fails, yet /metrics counts each
// model's tokens under that model and its own upstream, not all under the route's first model.

const question = "12+7-3=?";
const right = "\n12+7=19\n19-3=16\n#### 16";
const wrong = "\n12+7=19\n19-3=15\n#### 15";
const smallUsage = { promptTokens: 3, completionTokens: 7 };
const largeUsage = { promptTokens: 5, completionTokens: 11 };
let small: FakeOpenAIServer;
let large: FakeOpenAIServer;
let assembled: AssembledServer;
let running: RunningServer;

/** Completions an upstream was asked for (the HTTP backend's one-token chat call that probes `n` is not one). */
function generations(server: FakeOpenAIServer): number {
  return server.requests.filter((request) => request.endpoint === "completions").length;
}

beforeAll(async () => {
  let drawn = 0;
  small = await startFakeOpenAIServer({
    handler: (request) => ({
      choices: Array.from({ length: request.n }, () => {
        drawn += 1;
        return drawn % 2 === 0 ? right : wrong;
      }),
      usage: smallUsage,
    }),
  });
  large = await startFakeOpenAIServer({
    handler: (request) =>
      request.endpoint !== "completions" || generations(large) <= 1
        ? { choices: [right], usage: largeUsage }
        : { fault: "hang" },
  });
  const upstream = (name: string, server: FakeOpenAIServer, model: string) => ({
    name,
    baseUrl: server.url,
    allowedNetworks: ["127.0.0.1/32"],
    models: [{ name: model, upstreamModel: "fake-model" }],
  });
  const config = parseServerConfig({
    upstreams: [upstream("small-http", small, "lab-v2-small"), upstream("large-http", large, "lab-v2-large")],
  });
  assembled = await assembleServer(config, { logger: pino({ level: "silent" }) });
  running = await listenServer(assembled.server, { host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await running?.shutdown(1_000);
  await assembled?.dispose();
  await small?.close();
  await large?.close();
});

/** A sample's value in the Prometheus text, by metric name and labels written as in the exposition. */
function sample(text: string, metric: string, labels: string): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${metric}{${labels}}`));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

describe("usage per model of a routing strategy that fails", () => {
  it("counts each model's tokens under that model in mull_tokens_total", async () => {
    const client = new AbortController();
    const response = fetch(`${running.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "cascade@4:lab-v2-small>lab-v2-large",
        messages: [{ role: "user", content: question }],
      }),
      signal: client.signal,
    }).catch(() => undefined);
    // The large model answered one sample and holds the next: the client leaves.
    await vi.waitFor(() => expect(generations(large)).toBeGreaterThanOrEqual(2));
    client.abort();
    await response;
    const smallGenerations = generations(small);
    expect(smallGenerations).toBeGreaterThan(0);
    const count = async (labels: string) =>
      sample(await (await fetch(`${running.url}/metrics`)).text(), "mull_tokens_total", labels);
    await vi.waitFor(async () =>
      expect(await count('upstream="large-http",kind="completion",model="lab-v2-large"')).toBe(
        largeUsage.completionTokens,
      ),
    );
    // The calls the client's leaving cut read their prompts too: the large model's prompt count is at
    // least its answered call's.
    expect(await count('upstream="large-http",kind="prompt",model="lab-v2-large"')).toBeGreaterThanOrEqual(
      largeUsage.promptTokens,
    );
    expect(await count('upstream="small-http",kind="completion",model="lab-v2-small"')).toBe(
      smallUsage.completionTokens * smallGenerations,
    );
    expect(await count('upstream="small-http",kind="prompt",model="lab-v2-small"')).toBe(
      smallUsage.promptTokens * smallGenerations,
    );
  });
});
