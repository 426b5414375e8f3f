import { describe, expect, it } from "vitest";
import { accuracyByDifficulty, strategyCoverage, summarizeStrategies } from "../bench/metrics/index.ts";
import { syntheticRun } from "../testing/index.ts";
import { accuracyTokensSpec } from "./accuracy-tokens-spec.ts";
import { compileReportSpec } from "./compile-report-spec.ts";
import { coverageSpec } from "./coverage-spec.ts";
import { difficultySpec } from "./difficulty-spec.ts";
import { pointLabelTransformType } from "./point-label-transform.ts";

type Compiled = {
  marks?: { name?: string; transform?: { type: string; avoidMarks?: string[] }[] }[];
  signals?: { name: string; value?: unknown }[];
  layout?: { columns?: unknown };
};

describe("compileReportSpec", () => {
  const run = syntheticRun({ seed: 3, problems: 12 });

  it("places the labels a plot declares, avoiding other marks only when asked to", () => {
    const spec = accuracyTokensSpec(summarizeStrategies(run, { resamples: 50 })).spec;
    const labels = (compiled: Compiled) => compiled.marks?.find((mark) => mark.name === "labels_marks");
    const browser = compileReportSpec(spec, { avoidMarks: true }) as Compiled;
    expect(labels(browser)?.transform?.[0]).toMatchObject({
      type: pointLabelTransformType,
      avoidMarks: ["points_marks", "frontPoints_marks", "front_marks", "families_pathgroup"],
    });
    const node = compileReportSpec(spec) as Compiled;
    expect(labels(node)?.transform?.[0]?.type).toBe(pointLabelTransformType);
    expect(labels(node)?.transform?.[0]?.avoidMarks).toBeUndefined();
    // A plot that declares no labels compiles as Vega-Lite compiles it.
    const coverage = compileReportSpec(coverageSpec(strategyCoverage(run)).spec) as Compiled;
    expect(
      coverage.marks?.some((mark) => mark.transform?.some((step) => step.type === pointLabelTransformType)),
    ).toBe(false);
  });

  it("makes the column count of a plot of panels the signal `columns`", () => {
    const rows = accuracyByDifficulty(run);
    const compiled = compileReportSpec(difficultySpec(rows)) as Compiled;
    const difficulties = new Set(rows.map((row) => row.difficulty)).size;
    expect(compiled.layout?.columns).toEqual({ signal: "columns" });
    expect(compiled.signals?.find((signal) => signal.name === "columns")?.value).toBe(difficulties);
  });
});
