import type { TopLevelSpec } from "vega-lite";
import { paretoFront, type StrategySummary } from "../bench/metrics/index.ts";
import { shareEncoding, strategyColorEncoding } from "./strategy-color-scale.ts";

/** Which token count the x axis of the accuracy plot shows. */
export type TokenMeasure = "total" | "completion";

/** One strategy's point on the accuracy-against-tokens plot. */
export interface AccuracyTokensPoint {
  readonly strategy: string;
  readonly family: string;
  /** Mean tokens per problem, of the plot's measure. */
  readonly tokens: number;
  readonly accuracy: number;
  readonly lower: number;
  readonly upper: number;
  /** On the Pareto front of (fewer tokens, higher accuracy). */
  readonly front: boolean;
}

/** The accuracy-against-tokens plot and what went into it. */
export interface AccuracyTokensPlot {
  readonly spec: TopLevelSpec;
  readonly points: readonly AccuracyTokensPoint[];
  readonly measure: TokenMeasure;
  /** Strategies left out because their token counts are unknown. */
  readonly omitted: readonly string[];
}

/**
 * Chooses the x measure: prompt plus completion tokens when every strategy knows both, else completion
 * tokens; strategies without that count are left out (a sum with an unknown part is unknown).
 */
function chooseMeasure(summaries: readonly StrategySummary[]): TokenMeasure {
  return summaries.every((summary) => summary.usage.totalTokens !== undefined) ? "total" : "completion";
}

/**
 * A Vega-Lite plot of accuracy (with its bootstrap interval) against mean tokens per problem, one point
 * per strategy (coloured as in `strategies`), grey lines joining the budgets of one strategy family
 * (`sc@4`, `sc@8`, ...), and the Pareto
 * front of fewer tokens and higher accuracy drawn as a dashed line through ringed points. The x scale is
 * logarithmic when tokens span a factor of 10 or more.
 *
 * Marks are named for inspection: `points`, `frontPoints`, `front`, `families`, `intervals`, `labels`.
 *
 * @example
 * const { spec, points } = accuracyTokensSpec(summarizeStrategies(run));
 */
export function accuracyTokensSpec(
  summaries: readonly StrategySummary[],
  strategies: readonly string[] = summaries.map((summary) => summary.strategy),
): AccuracyTokensPlot {
  const measure = chooseMeasure(summaries);
  const omitted: string[] = [];
  const measured: Omit<AccuracyTokensPoint, "front">[] = [];
  for (const summary of summaries) {
    const tokens = measure === "total" ? summary.usage.totalTokens : summary.usage.completionTokens;
    if (tokens === undefined || !Number.isFinite(tokens.mean)) {
      omitted.push(summary.strategy);
      continue;
    }
    measured.push({
      strategy: summary.strategy,
      family: summary.family,
      tokens: tokens.mean,
      accuracy: summary.accuracy.accuracy,
      lower: summary.accuracy.lower,
      upper: summary.accuracy.upper,
    });
  }
  const front = new Set(
    paretoFront(
      measured,
      (point) => point.tokens,
      (point) => point.accuracy,
    ),
  );
  const points = measured.map((point) => ({ ...point, front: front.has(point) }));
  const tokenValues = points.map((point) => point.tokens).filter((tokens) => tokens > 0);
  const logarithmic =
    tokenValues.length === points.length &&
    tokenValues.length > 1 &&
    Math.max(...tokenValues) / Math.min(...tokenValues) >= 10;
  const axisTitle =
    measure === "total"
      ? "tokens per problem (prompt + completion, mean)"
      : "completion tokens per problem (mean)";
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: 620,
    height: 360,
    data: { values: points },
    encoding: {
      x: {
        field: "tokens",
        type: "quantitative",
        title: axisTitle,
        scale: logarithmic ? { type: "log", nice: true } : { zero: false, nice: true },
      },
      y: shareEncoding("accuracy", "accuracy"),
      color: {
        ...strategyColorEncoding(
          strategies,
          points.map((point) => point.strategy),
        ),
        legend: { symbolOpacity: 1 },
      },
    },
    layer: [
      {
        name: "intervals",
        mark: { type: "rule", opacity: 0.6 },
        encoding: { y: { field: "lower", type: "quantitative" }, y2: { field: "upper" } },
      },
      {
        name: "families",
        mark: { type: "line", color: "#9aa0a6", strokeWidth: 1.5 },
        encoding: {
          color: { value: "#9aa0a6" },
          detail: { field: "family", type: "nominal" },
          order: { field: "tokens", type: "quantitative" },
        },
      },
      {
        name: "front",
        transform: [{ filter: "datum.front" }],
        mark: { type: "line", strokeDash: [6, 4], color: "#222", strokeWidth: 1.5 },
        encoding: { color: { value: "#222" }, order: { field: "tokens", type: "quantitative" } },
      },
      {
        name: "frontPoints",
        transform: [{ filter: "datum.front" }],
        mark: { type: "point", filled: false, size: 260, strokeWidth: 1.5 },
        encoding: { color: { value: "#222" } },
      },
      {
        name: "points",
        mark: { type: "point", filled: true, size: 80, opacity: 1 },
        encoding: {
          tooltip: [
            { field: "strategy", type: "nominal" },
            { field: "accuracy", type: "quantitative", format: ".1%" },
            { field: "lower", type: "quantitative", format: ".1%", title: "interval from" },
            { field: "upper", type: "quantitative", format: ".1%", title: "interval to" },
            { field: "tokens", type: "quantitative", format: ",.0f", title: axisTitle },
            { field: "front", type: "nominal", title: "Pareto front" },
          ],
        },
      },
      {
        name: "labels",
        mark: { type: "text", align: "left", dx: 8, dy: -8, fontSize: 11 },
        encoding: { text: { field: "strategy", type: "nominal" }, color: { value: "#333" } },
      },
    ],
  };
  return { spec, points, measure, omitted };
}
