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
    expect(html).toContain('<th scope="col">energy / problem (J, measured time)</th>');
    // 10480 FLOPs at 1000 FLOP/s against 12 s measured; 10 W × 12 s and × 10.48 s.
    expect(html).toContain(
      '<th scope="row">greedy</th><td>1</td><td>1.05e+4</td><td>1.05e+4</td><td>1.20e+4</td><td>0.873</td><td>120</td><td>105</td>',
    );
    expect(html).toContain("recorded with the run");
    expect(html).not.toContain("No idealized time");
  });

  it("leaves a run over HTTP without idealized time and energy, and says why in one line", () => {
    const data = run("http://gpu-box:8080/v1");
    const html = section(data);
    expect(html).not.toContain("idealized ms / problem");
    expect(html).not.toContain("energy / problem");
    expect(html).not.toContain("the client&#39;s JavaScript");
    expect(html).not.toContain("10 W per busy core");
    // FLOPs and measured time stay.
    expect(html).toContain('<th scope="row">greedy</th><td>1</td><td>1.05e+4</td><td>1.20e+4</td></tr>');
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
      '<th scope="row">greedy</th><td>1</td><td>1.05e+4</td><td>5.24e+3</td><td>1.20e+4</td><td>0.437</td><td>8.40e+3</td><td>3.67e+3</td>',
    );
    expect(html).toContain("stated for this report, not measured");
    expect(html).toContain("Energy is time × 700 W: a GPU&#39;s TDP, stated");
    expect(html).not.toContain("No idealized time");
    // Rates without a power: the reason names the energy alone.
    const ratesOnly = summarizeInferenceCost(data, { rates: stated });
    expect(ratesOnly === undefined ? undefined : remoteCostReason(ratesOnly)).toBe(
      "No energy: the run generated on the server at http://gpu-box:8080/v1, whose machine this run did not measure " +
        "(the recorded rates and cores are the client's); give its power (--watts-per-core, --cores) to estimate it.",
    );
  });
});
