import type { TopLevelSpec } from "vega-lite";
import { describe, expect, it } from "vitest";
import { confidenceCalibration } from "../bench/metrics/index.ts";
import type { RunData, SampleRecord } from "../bench/run-data.ts";
import { syntheticRun } from "../testing/index.ts";
import { confidenceSection } from "./confidence-section.ts";

function scored(
  strategy: string,
  sampleIndex: number,
  peak: number,
  fields: Partial<SampleRecord>,
): SampleRecord {
  const correct = fields.correct ?? true;
  return {
    problemId: "p1",
    strategy,
    sampleIndex,
    text: "",
    answer: correct ? "1" : undefined,
    correct,
    completionTokens: 10,
    finishReason: "stop",
    scores: { stability: Math.exp(-peak), "stability:peak-position": 0.8 },
    ...fields,
  };
}

function runOf(strategies: string[], samples: SampleRecord[]): RunData {
  const base = syntheticRun({ seed: 1, problems: 1 });
  return { ...base, manifest: { ...base.manifest, strategies }, results: [], samples };
}

function sectionOf(run: RunData): string {
  const specs: { reliability?: TopLevelSpec; instability?: TopLevelSpec } = {};
  return confidenceSection(confidenceCalibration(run, { instabilityBuckets: 2 })!, specs).join("\n");
}

describe("confidenceSection", () => {
  it("says how many traces each strategy cut short were left out", () => {
    const html = sectionOf(
      runOf(
        ["sc@2", "stability@4c1.5", "deepconf-online@4"],
        [
          scored("stability@4c1.5", 0, 0.5, {}),
          scored("stability@4c1.5", 1, 2, { correct: false }),
          scored("stability@4c1.5", 2, 0.4, { correct: false, finishReason: "cut" }),
          scored("stability@4c1.5", 3, 0.3, { correct: false, finishReason: "cut" }),
          scored("deepconf-online@4", 0, 0.6, {}),
          scored("deepconf-online@4", 1, 0.2, { correct: false, finishReason: "cut" }),
        ],
      ),
    );
    expect(html).toContain(
      "Left out of this section: 2 of stability@4c1.5 and 1 of deepconf-online@4 (3 candidates in all), traces their strategy cut short (finish reason cut).",
    );
    // The signal table counts the traces that ran to their end only.
    expect(html).toMatch(
      /<th scope="row"(?: class="long")?>stability@4c1\.5<\/th><td>stability<\/td><td>2<\/td>/,
    );
  });

  it("says nothing of cut traces when there were none, and shows bounds at the digits peaks are compared", () => {
    const html = sectionOf(
      runOf(
        ["stability@4"],
        [0.5, 1.3866514, 1.386657, 2].map((peak, index) =>
          scored("stability@4", index, peak, { correct: index < 3 }),
        ),
      ),
    );
    expect(html).not.toContain("Left out");
    const table = /<table class="peak-phases">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? "";
    const bounds = [...table.matchAll(/<td(?: class="long")?>(\d\.\d+–\d\.\d+)<\/td>/g)].map(
      (match) => match[1],
    );
    // The two near-equal peaks share the second bucket, shown as one value.
    expect(bounds).toEqual(["0.5000–0.5000", "1.387–2.000"]);
  });
});
