import { describe, expect, it } from "vitest";
import { defaultModelProfile } from "../../generation/index.ts";
import { createScriptedBackend } from "../../testing/scripted-backend.ts";
import type { RequestOutcome, RequestPlan } from "../requests/index.ts";
import { createServerMetrics } from "../telemetry/index.ts";
import type { ServedModel } from "../upstreams/index.ts";
import { account } from "./request-accounting.ts";

function served(name: string, upstream: string): ServedModel {
  return {
    name,
    upstream,
    backend: createScriptedBackend({ responses: ["#### 7"] }),
    kind: "openai-compatible",
    profile: defaultModelProfile,
    contextWindow: undefined,
    scorer: undefined,
  };
}

/** A sample's value in the Prometheus text, by metric name and labels written as in the exposition. */
function sample(text: string, metric: string, labels: string): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${metric}{${labels}}`));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

describe("account", () => {
  it("counts a routed request's tokens per model, and what no model generated under the model that answered", async () => {
    const small = served("small", "small-http");
    const large = served("large", "large-http");
    const metrics = createServerMetrics();
    const outcome: RequestOutcome = {
      choices: [{ text: "#### 7", finishReason: "stop" }],
      // Two tokens of prompt and three of completion more than the models wrote: a scorer's calls.
      usage: { promptTokens: 10, completionTokens: 21, calls: 3 },
      usageByModel: {
        small: { promptTokens: 3, completionTokens: 7, calls: 1 },
        large: { promptTokens: 5, completionTokens: 11, calls: 1 },
      },
      report: undefined,
    };
    await account({
      metrics,
      // The parts of a plan `account` reads: the model that answered and its prompt estimate.
      answered: { served: large, estimatedPromptTokens: 5 } as unknown as RequestPlan,
      outcome,
      reservation: undefined,
      reserved: 1_000,
      models: new Map([
        ["small", small],
        ["large", large],
      ]),
    });
    const text = await metrics.registry.metrics();
    const tokens = (labels: string) => sample(text, "mull_tokens_total", labels);
    expect(tokens('upstream="small-http",kind="prompt",model="small"')).toBe(3);
    expect(tokens('upstream="small-http",kind="completion",model="small"')).toBe(7);
    expect(tokens('upstream="large-http",kind="prompt",model="large"')).toBe(5 + 2);
    expect(tokens('upstream="large-http",kind="completion",model="large"')).toBe(11 + 3);
  });
});
