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
} from "./cascade-upstreams.test-support.ts";

// A cascade over two upstreams whose small model always agrees with itself: it settles on the small
// model, and the response still splits its usage by model (one served model, the whole usage).

const smallUsage = { promptTokens: 3, completionTokens: 7 };
let upstreams: CascadeUpstreams;

beforeAll(async () => {
  const answer = (request: { n: number }) => ({
    choices: Array.from({ length: request.n }, () => rightChain),
    usage: smallUsage,
  });
  upstreams = await startCascadeUpstreams({ small: answer, large: answer });
});

afterAll(async () => {
  await upstreams?.close();
});

describe("usage per model of a routing strategy that did not escalate", () => {
  it("reports the first model's tokens as the whole usage, in the mull object and in mull_tokens_total", async () => {
    const { assembled, large } = upstreams;
    const response = await assembled.server.app.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: cascadeModel,
        messages: [{ role: "user", content: cascadeQuestion }],
        mull: { seed: 3 },
      }),
    });
    expect(response.status).toBe(200);
    const { mull } = (await response.json()) as {
      mull: {
        answer: string;
        usage: UsageCounts & { score_calls: number };
        usage_by_model?: Record<string, UsageCounts>;
      };
    };
    expect(mull.answer).toBe("16");
    expect(generations(large)).toBe(0);
    const { score_calls: _scoreCalls, ...counts } = mull.usage;
    expect(counts.completion_tokens).toBeGreaterThan(0);
    expect(mull.usage_by_model).toEqual({ "lab-v2-small": counts });

    const metrics = await (await assembled.server.app.request("/metrics")).text();
    expect(
      metricSample(
        metrics,
        "mull_tokens_total",
        'upstream="small-http",kind="completion",model="lab-v2-small"',
      ),
    ).toBe(mull.usage.completion_tokens);
  });
});
