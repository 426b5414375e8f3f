import { describe, expect, it } from "vitest";
import { summarizeInferenceCost } from "../bench/metrics/index.ts";
import type { RunData } from "../bench/run-data.ts";
import { syntheticRun } from "../testing/index.ts";
import { inferenceCostSection, remoteCostReason } from "./inference-cost-section.ts";

const architecture = { parameters: 1000, layers: 2, embedding: 8, weightBytes: 500 };
const clientRates = { flopsPerSecond: 1000, bytesPerSecond: 1000, source: "the client's JavaScript" };

/** One greedy problem: 3 prompt and 2 completion tokens (6192 + 4288 FLOPs), 12 s measured. */
function run(baseUrl: string | undefined): RunData {
  const base = syntheticRun({ seed: 1 });
  return {
    ...base,
    manifest: {
      ...base.manifest,
      strategies: ["greedy"],
      backend: {
        ...base.manifest.backend,
        architecture,
        ...(baseUrl === undefined ? {} : { kind: "openai-compatible", baseUrl }),
      },
      machine: { ...base.manifest.machine, performance: clientRates },
    },
    results: [
      {
        problemId: "p0",
        strategy: "greedy",
        answer: "1",
        correct: true,
        samples: 1,
        promptTokens: 3,
        completionTokens: 2,
        calls: 1,
        scoreCalls: 0,
        latencyMilliseconds: 12_000,
        stoppedBy: "complete",
      },
    ],
    samples: [],
  };
}

function section(data: RunData, options: Parameters<typeof summarizeInferenceCost>[1] = {}): string {
  const cost = summarizeInferenceCost(data, options);
  if (cost === undefined) throw new Error("expected an inference cost");
  return inferenceCostSection(cost);
}

describe("inferenceCostSection", () => {
  it("shows a local run's idealized time and energy from its recorded rates, with no reason line", () => {
    const html = section(run(undefined));
    expect(html).toContain('<th scope="col">idealized ms / problem</th>');
    expect(html).toContain('<th scope="col">energy / problem (J, engine time)</th>');
    // 10480 FLOPs at 1000 FLOP/s against 12 s of latency and engine time; 10 W × 12 s and × 10.48 s.
    expect(html).toContain(
      '<th scope="row">greedy</th><td>1</td><td>1.05e+4</td><td>10,480</td><td>12,000</td><td>12,000</td><td>0.873</td><td>120</td><td>105</td>',
    );
    expect(html).toContain("recorded with the run");
    expect(html).toContain("no pair finished sooner than the rates allow");
    expect(html).toContain("one prompt per problem");
    // Neither pairs in flight nor contexts recorded: said, and each latency counted whole.
    expect(html).toContain("The run does not record its pairs in flight or its contexts");
    expect(html).not.toContain("No idealized time");
  });

  it("with cached prompts, pairs in flight and a pair faster than the rates, says so and keeps every figure consistent", () => {
    const base = run(undefined);
    const data: RunData = {
      ...base,
      manifest: {
        ...base.manifest,
        strategies: ["greedy", "sc@2"],
        concurrency: 2,
        backend: { ...base.manifest.backend, contexts: 1, threads: 1 },
      },
      results: [
        { ...base.results[0]!, cachedPromptTokens: 0 },
        // One call of two completions: 6 prompt tokens counted, 3 copied; 14,768 FLOPs done in 5 s.
        {
          ...base.results[0]!,
          strategy: "sc@2",
          samples: 2,
          promptTokens: 6,
          cachedPromptTokens: 3,
          completionTokens: 4,
          latencyMilliseconds: 5000,
        },
      ],
    };
    const html = section(data);
    // Rates raised 14.768 / 5 = 2.95×; greedy's 10.48 s of work then take 3.55 s, its share of the context
    // is 12 s × 1 / 2; sc@2's share (2.5 s) is raised to its idealized 5 s.
    expect(html).toContain(
      '<th scope="row">greedy</th><td>1</td><td>1.05e+4</td><td>3,548</td><td>12,000</td><td>6,000</td><td>0.591</td><td>60.0</td><td>35.5</td>',
    );
    expect(html).toContain(
      '<th scope="row">sc@2</th><td>1</td><td>1.48e+4</td><td>5,000</td><td>5,000</td><td>5,000</td><td>1.00</td><td>50.0</td><td>50.0</td>',
    );
    expect(html).toContain("both raised 2.95× to 0.00000295 GFLOP/s, 0.00000295 GB/s");
    expect(html).toContain(
      "the pair sc@2 on p0 took 5,000 ms where the measured rates allow no less than 14,768 ms",
    );
    expect(html).toContain("the prompt tokens evaluated (those the backend served from its cache left out)");
    expect(html).toContain(
      "The run had 2 pairs in flight on 1 context of 1 thread, so pairs shared the context",
    );
    expect(html).toContain("latency × 1 / 2, and never less than its idealized time");
  });

  it("leaves a run over HTTP without idealized time and energy, and says why in one line", () => {
    const data = run("http://gpu-box:8080/v1");
    const html = section(data);
    expect(html).not.toContain("idealized ms / problem");
    expect(html).not.toContain("energy / problem");
    expect(html).not.toContain("the client&#39;s JavaScript");
    expect(html).not.toContain("10 W per busy core");
    // FLOPs, latency and engine time stay.
    expect(html).toContain(
      '<th scope="row">greedy</th><td>1</td><td>1.05e+4</td><td>12,000</td><td>12,000</td></tr>',
    );
    const reason =
      "No idealized time or energy: the run generated on the server at http://gpu-box:8080/v1, whose machine this run did not measure " +
      "(the recorded rates and cores are the client&#39;s); give its peak rates (mull report --peak-flops, --peak-bandwidth) " +
      "and its power (--watts-per-core, --cores) to estimate them.";
    expect(html).toContain(`<p class="note">${reason}</p>`);
    expect(html.match(/<p class="note">No /g)).toHaveLength(1);
  });

  it("estimates a run over HTTP from the server's stated rates and power", () => {
    const data = run("http://gpu-box:8080/v1");
    const stated = { flopsPerSecond: 2000, bytesPerSecond: 2000, source: "stated" };
    const power = { watts: 700, basis: "a GPU's TDP, stated" };
    const html = section(data, { rates: stated, power });
    // 10480 FLOPs at 2000 FLOP/s: 5.24 s against 12 s; 700 W × 12 s and × 5.24 s.
    expect(html).toContain(
      '<th scope="row">greedy</th><td>1</td><td>1.05e+4</td><td>5,240</td><td>12,000</td><td>12,000</td><td>0.437</td><td>8.40e+3</td><td>3.67e+3</td>',
    );
    expect(html).toContain("stated for this report, not measured");
    expect(html).toContain(
      "Energy is time × 700 W: a GPU&#39;s TDP, stated, over the engine time or the idealized time",
    );
    expect(html).not.toContain("No idealized time");
    // Rates without a power: the reason names the energy alone.
    const ratesOnly = summarizeInferenceCost(data, { rates: stated });
    expect(ratesOnly === undefined ? undefined : remoteCostReason(ratesOnly)).toBe(
      "No energy: the run generated on the server at http://gpu-box:8080/v1, whose machine this run did not measure " +
        "(the recorded rates and cores are the client's); give its power (--watts-per-core, --cores) to estimate it.",
    );
  });
});
