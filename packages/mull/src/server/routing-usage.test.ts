import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CascadeUpstreams,
  cascadeModel,
  cascadeQuestion,
  generations,
  metricSample,
  rightChain,
  startCascadeUpstreams,
  type UsageCounts,
  wrongChain,
} from "./cascade-upstreams.test-support.ts";

// A cascade over two upstreams, each serving one lab model: the small one splits its votes between a right
// and a wrong chain, so the cascade escalates to the large one, which always answers right. Both upstreams
// call their model `fake-model`: the usage per model must still keep the served models apart.

const smallUsage = { promptTokens: 3, completionTokens: 7 };
const largeUsage = { promptTokens: 5, completionTokens: 11 };
let upstreams: CascadeUpstreams;

beforeAll(async () => {
  let drawn = 0;
  upstreams = await startCascadeUpstreams({
    small: (request) => ({
      choices: Array.from({ length: request.n }, () => {
        drawn += 1;
        return drawn % 2 === 0 ? rightChain : wrongChain;
      }),
      usage: smallUsage,
    }),
    large: (request) => ({ choices: Array.from({ length: request.n }, () => rightChain), usage: largeUsage }),
  });
});

afterAll(async () => {
  await upstreams?.close();
});

describe("usage per model of a routing strategy", () => {
  it("reports each served model's tokens in the mull object and in mull_tokens_total", async () => {
    const { assembled, small, large } = upstreams;
    const response = await assembled.server.app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: cascadeModel, messages: [{ role: "user", content: cascadeQuestion }] }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      mull: {
        answer: string;
        notes: string[];
        usage: UsageCounts;
        usage_by_model: Record<string, UsageCounts>;
      };
    };
    const { mull } = body;
    expect(mull.answer).toBe("16");
    expect(mull.notes.join("\n")).toMatch(/lab-v2-small agreement .* escalating to lab-v2-large/);

    const byModel = mull.usage_by_model;
    expect(Object.keys(byModel).sort()).toEqual(["lab-v2-large", "lab-v2-small"]);
    const smallCounts = byModel["lab-v2-small"];
    const largeCounts = byModel["lab-v2-large"];
    if (smallCounts === undefined || largeCounts === undefined) throw new Error("a model is missing");
    // Each model's figures are what its own upstream reported, request by request.
    expect(smallCounts.prompt_tokens).toBe(smallUsage.promptTokens * generations(small));
    expect(smallCounts.completion_tokens).toBe(smallUsage.completionTokens * generations(small));
    expect(largeCounts.completion_tokens).toBe(largeUsage.completionTokens * generations(large));
    expect(largeCounts.calls).toBeGreaterThan(0);
    // The models' figures add up to the request's.
    for (const field of ["prompt_tokens", "completion_tokens", "total_tokens", "calls"] as const) {
      expect(smallCounts[field] + largeCounts[field]).toBe(mull.usage[field]);
    }

    const metrics = await (await assembled.server.app.request("/metrics")).text();
    expect(
      metricSample(
        metrics,
        "mull_tokens_total",
        'upstream="small-http",kind="completion",model="lab-v2-small"',
      ),
    ).toBe(smallCounts.completion_tokens);
    expect(
      metricSample(
        metrics,
        "mull_tokens_total",
        'upstream="large-http",kind="completion",model="lab-v2-large"',
      ),
    ).toBe(largeCounts.completion_tokens);
    expect(
      metricSample(metrics, "mull_tokens_total", 'upstream="large-http",kind="prompt",model="lab-v2-large"'),
    ).toBe(largeCounts.prompt_tokens);
  });
});
