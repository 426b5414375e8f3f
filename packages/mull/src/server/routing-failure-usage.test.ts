import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type CascadeUpstreams,
  cascadeModel,
  cascadeQuestion,
  generations,
  metricSample,
  rightChain,
  startCascadeUpstreams,
  wrongChain,
} from "./cascade-upstreams.test-support.ts";
import { listenServer, type RunningServer } from "./listen-server.ts";

// A cascade whose small model splits its votes, so the cascade escalates, and whose large model answers
// its first sample and never the others: the client leaves, the request fails, yet /metrics counts each
// model's tokens under that model and its own upstream, not all under the route's first model.

const smallUsage = { promptTokens: 3, completionTokens: 7 };
const largeUsage = { promptTokens: 5, completionTokens: 11 };
let upstreams: CascadeUpstreams;
let running: RunningServer;

beforeAll(async () => {
  let drawn = 0;
  let largeGenerations = 0;
  upstreams = await startCascadeUpstreams({
    small: (request) => ({
      choices: Array.from({ length: request.n }, () => {
        drawn += 1;
        return drawn % 2 === 0 ? rightChain : wrongChain;
      }),
      usage: smallUsage,
    }),
    large: (request) => {
      if (request.endpoint === "completions") largeGenerations += 1;
      return request.endpoint !== "completions" || largeGenerations === 1
        ? { choices: [rightChain], usage: largeUsage }
        : { fault: "hang" };
    },
  });
  running = await listenServer(upstreams.assembled.server, { host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await running?.shutdown(1_000);
  await upstreams?.close();
});

describe("usage per model of a routing strategy that fails", () => {
  it("counts each model's tokens under that model in mull_tokens_total", async () => {
    const { small, large } = upstreams;
    const client = new AbortController();
    const response = fetch(`${running.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: cascadeModel, messages: [{ role: "user", content: cascadeQuestion }] }),
      signal: client.signal,
    }).catch(() => undefined);
    // The large model answered one sample and holds the next: the client leaves.
    await vi.waitFor(() => expect(generations(large)).toBeGreaterThanOrEqual(2));
    client.abort();
    await response;
    const smallGenerations = generations(small);
    expect(smallGenerations).toBeGreaterThan(0);
    const count = async (labels: string) =>
      metricSample(await (await fetch(`${running.url}/metrics`)).text(), "mull_tokens_total", labels);
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
