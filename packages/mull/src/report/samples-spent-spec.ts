import type { TopLevelSpec } from "vega-lite";
import type { ProblemResult } from "../bench/index.ts";
import { strategyColorEncoding } from "./strategy-color-scale.ts";

/** One bar of a strategy's histogram: how many problems used exactly `samples` samples. */
export interface SamplesSpentBin {
  readonly strategy: string;
  readonly samples: number;
  readonly problems: number;
}

/** A strategy that used the same number of samples on every problem, so its histogram is one bar. */
export interface FixedSamplesStrategy {
  readonly strategy: string;
  readonly samples: number;
}

/** The samples-spent plot and what went into it. */
export interface SamplesSpentPlot {
  readonly spec: TopLevelSpec;
  /** Non-empty bins of the drawn strategies, by strategy (in the given order), then by samples. */
  readonly bins: readonly SamplesSpentBin[];
  /** Mean samples per problem of each drawn strategy. */
  readonly means: Readonly<Record<string, number>>;
  /** Strategies drawn: those whose samples per problem vary. */
  readonly strategies: readonly string[];
  /** Strategies left out because every problem used the same number of samples. */
  readonly fixed: readonly FixedSamplesStrategy[];
}

/**
 * A Vega-Lite histogram of samples spent per problem, one row per strategy (coloured as in
 * `strategies`): x is the number of samples a problem used, y the number of problems that used it, and a
 * dashed rule marks the strategy's mean. Only strategies whose samples per problem vary are drawn
 * (adaptive ones such as `asc@8` or `esc@8w4`, which stop early on easy problems); a fixed-N strategy
 * would be a single bar at N, so it is listed in `fixed` instead, and a run of fixed-N strategies alone
 * draws nothing (`strategies` is empty).
 *
 * Marks are named for inspection: `bars` and `means`.
 *
 * @example
 * const { spec, strategies } = samplesSpentSpec(run.results, strategyOrder(run));
 * if (strategies.length > 0) writeFileSync("samples-spent.svg", await renderSvg(spec));
 */
export function samplesSpentSpec(
  results: readonly ProblemResult[],
  strategies: readonly string[] = [...new Set(results.map((result) => result.strategy))],
): SamplesSpentPlot {
  const bins: SamplesSpentBin[] = [];
  const means: Record<string, number> = {};
  const drawn: string[] = [];
  const fixed: FixedSamplesStrategy[] = [];
  for (const strategy of strategies) {
    const counts = results.filter((result) => result.strategy === strategy).map((result) => result.samples);
    if (counts.length === 0) continue;
    const problemsBySamples = new Map<number, number>();
    for (const samples of counts) problemsBySamples.set(samples, (problemsBySamples.get(samples) ?? 0) + 1);
    if (problemsBySamples.size === 1) {
      fixed.push({ strategy, samples: counts[0]! });
      continue;
    }
    drawn.push(strategy);
    means[strategy] = counts.reduce((sum, samples) => sum + samples, 0) / counts.length;
    for (const samples of [...problemsBySamples.keys()].sort((left, right) => left - right)) {
      bins.push({ strategy, samples, problems: problemsBySamples.get(samples)! });
    }
  }
  const mostSamples = Math.max(1, ...bins.map((bin) => bin.samples));
  // Bars span [n − ½, n + ½] so each whole sample count has its own bar and the mean can sit between them.
  const values = [
    ...bins.map((bin) => ({ ...bin, kind: "bin", from: bin.samples - 0.5, to: bin.samples + 0.5 })),
    ...drawn.map((strategy) => ({ strategy, kind: "mean", mean: means[strategy] })),
  ];
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    data: { values },
    facet: {
      row: {
        field: "strategy",
        type: "nominal",
        sort: drawn,
        title: null,
        header: { labelAngle: 0, labelAlign: "left" },
      },
    },
    spec: {
      width: 560,
      height: 90,
      layer: [
        {
          name: "bars",
          transform: [{ filter: "datum.kind === 'bin'" }],
          mark: { type: "bar", stroke: "white", strokeWidth: 1 },
          encoding: {
            x: {
              field: "from",
              type: "quantitative",
              title: "samples used by a problem",
              scale: { domain: [0.5, mostSamples + 0.5], nice: false },
              axis: { tickMinStep: 1, format: "d" },
            },
            x2: { field: "to" },
            // With x ranged by x2, a bar needs its base given, or it is drawn as a thin band at its count.
            y2: { datum: 0 },
            y: {
              field: "problems",
              type: "quantitative",
              title: "problems",
              axis: { tickMinStep: 1, format: "d" },
            },
            color: { ...strategyColorEncoding(strategies, drawn), legend: null },
            tooltip: [
              { field: "strategy", type: "nominal" },
              { field: "samples", type: "quantitative", title: "samples used" },
              { field: "problems", type: "quantitative" },
            ],
          },
        },
        {
          name: "means",
          transform: [{ filter: "datum.kind === 'mean'" }],
          mark: { type: "rule", strokeDash: [4, 3], color: "#222", strokeWidth: 1.5 },
          encoding: {
            x: { field: "mean", type: "quantitative" },
            tooltip: [
              { field: "strategy", type: "nominal" },
              { field: "mean", type: "quantitative", format: ".2f", title: "mean samples per problem" },
            ],
          },
        },
      ],
    },
  };
  return { spec, bins, means, strategies: drawn, fixed };
}
