import type { TopLevelSpec } from "vega-lite";
import { paretoFront, type StrategySummary, strategySeries } from "../bench/metrics/index.ts";
import { shareEncoding, strategyColorEncoding, strategyShapeEncoding } from "./strategy-color-scale.ts";

/** Which token count the x axis of the accuracy plot shows. */
export type TokenMeasure = "total" | "completion";

/** One strategy's point on the accuracy-against-tokens plot. */
export interface AccuracyTokensPoint {
  readonly strategy: string;
  /** Its series over budgets (`sc@N`); the points of one series are joined by a line. */
  readonly series: string;
  /** Mean tokens per problem, of the plot's measure. */
  readonly tokens: number;
  readonly accuracy: number;
  readonly lower: number;
  readonly upper: number;
  /** On the Pareto front of (fewer tokens, higher accuracy). */
  readonly front: boolean;
}

/** An adaptive strategy beside its fixed-budget counterpart on the plot, e.g. `asc@16` and `sc@16`. */
export interface CounterpartLink {
  /** The adaptive strategy. */
  readonly strategy: string;
  /** Its fixed-budget counterpart, as the run names it. */
  readonly counterpart: string;
  readonly tokens: number;
  readonly accuracy: number;
  readonly counterpartTokens: number;
  readonly counterpartAccuracy: number;
  /** The adaptive strategy's tokens as a fraction of its counterpart's. */
  readonly tokenShare: number;
  /** Its accuracy minus its counterpart's. */
  readonly accuracyChange: number;
}

/** One label of the plot: the strategies at one point, joined (`sc@4, certainty@4`) when several share it. */
export interface AccuracyTokensLabel {
  readonly label: string;
  readonly tokens: number;
  readonly accuracy: number;
}

/** The accuracy-against-tokens plot and what went into it. */
export interface AccuracyTokensPlot {
  readonly spec: TopLevelSpec;
  readonly points: readonly AccuracyTokensPoint[];
  /** The point labels: one per distinct point, naming every strategy drawn there. */
  readonly labels: readonly AccuracyTokensLabel[];
  /** Each adaptive strategy whose counterpart is drawn too, joined to it by a dotted line. */
  readonly links: readonly CounterpartLink[];
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
 * The adaptive strategies whose counterpart is on the plot, each with both points. The counterpart is
 * matched by canonical spec, so `maj@16` stands for `sc@16`.
 */
function counterpartLinks(
  summaries: readonly StrategySummary[],
  points: readonly AccuracyTokensPoint[],
): CounterpartLink[] {
  const bySpec = new Map(points.map((point) => [strategySeries(point.strategy).spec, point]));
  const byStrategy = new Map(points.map((point) => [point.strategy, point]));
  return summaries.flatMap((summary) => {
    const point = byStrategy.get(summary.strategy);
    const other = summary.counterpart === undefined ? undefined : bySpec.get(summary.counterpart);
    if (point === undefined || other === undefined || other === point) return [];
    return [
      {
        strategy: point.strategy,
        counterpart: other.strategy,
        tokens: point.tokens,
        accuracy: point.accuracy,
        counterpartTokens: other.tokens,
        counterpartAccuracy: other.accuracy,
        tokenShare: point.tokens / other.tokens,
        accuracyChange: point.accuracy - other.accuracy,
      },
    ];
  });
}

/**
 * One label per distinct point: strategies drawn at the same point (same tokens and accuracy, as two
 * selections of the same samples can be) share one label naming them all, in plot order, so that their
 * names are not printed on top of each other.
 */
function pointLabels(points: readonly AccuracyTokensPoint[]): AccuracyTokensLabel[] {
  const byPlace = new Map<string, { tokens: number; accuracy: number; strategies: string[] }>();
  for (const point of points) {
    const place = `${point.tokens.toPrecision(12)}|${point.accuracy.toPrecision(12)}`;
    const label = byPlace.get(place) ?? { tokens: point.tokens, accuracy: point.accuracy, strategies: [] };
    label.strategies.push(point.strategy);
    byPlace.set(place, label);
  }
  return [...byPlace.values()].map(({ tokens, accuracy, strategies }) => ({
    label: strategies.join(", "),
    tokens,
    accuracy,
  }));
}

/** Average width of a character of the labels' 11 px font, for keeping a label inside the plot. */
const labelCharacterWidth = 6.5;
/** Pixels between a point and its label. */
const labelGap = 8;

/**
 * The label's mark: beside its point, to the right unless it would cross the plot's right edge (into the
 * legend), then to the left; above the point unless that leaves the top of the plot, then below. Decided
 * in pixels by the plot's own scales, so it holds for logarithmic and padded axes alike.
 */
const labelMark = (() => {
  const x = "scale('x', datum.tokens)";
  const leftward = `${x} + ${labelGap} + length(datum.label) * ${labelCharacterWidth} > width && ${x} > width / 2`;
  const below = `scale('y', datum.accuracy) < 16`;
  return {
    type: "text" as const,
    fontSize: 11,
    align: { expr: `${leftward} ? 'right' : 'left'` },
    dx: { expr: `${leftward} ? ${-labelGap} : ${labelGap}` },
    baseline: { expr: `${below} ? 'top' : 'bottom'` },
    dy: { expr: `${below} ? 4 : -4` },
  };
})();

/**
 * A Vega-Lite plot of accuracy (with its bootstrap interval) against mean tokens per problem, one point
 * per strategy (coloured as in `strategies`), grey lines joining the budgets of one series (`sc@4`,
 * `sc@8`, `sc@16` on `sc@N`; an adaptive method such as `asc@N` is a series of its own), a dotted line
 * in its colour from each adaptive strategy to its fixed-budget counterpart when both are drawn (`asc@16`
 * to `sc@16`; see `strategySeries`), and the Pareto front of fewer tokens and higher accuracy drawn as a
 * dashed line through ringed points. The x scale is logarithmic when tokens span a factor of 10 or more.
 * Each point is labelled with its strategy, strategies at the same point with one joined label, every
 * label kept inside the plot (left of its point near the right edge, below it near the top).
 *
 * Marks are named for inspection: `points`, `frontPoints`, `front`, `families`, `counterparts`,
 * `intervals`, `labels`.
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
      series: summary.series,
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
  const links = counterpartLinks(summaries, points);
  const labels = pointLabels(points);
  const tokenValues = points.map((point) => point.tokens).filter((tokens) => tokens > 0);
  const logarithmic =
    tokenValues.length === points.length &&
    tokenValues.length > 1 &&
    Math.max(...tokenValues) / Math.min(...tokenValues) >= 10;
  // A single token count spans nothing, and its axis would have one tick: the axis then starts at 0.
  const oneTokenCount = new Set(points.map((point) => point.tokens)).size < 2;
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
        scale: logarithmic ? { type: "log", nice: true } : { zero: oneTokenCount, nice: true },
        // Whole tokens with thousands separators (1,250), never a tick between two whole numbers.
        axis: { format: ",.0f", tickMinStep: 1 },
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
          detail: { field: "series", type: "nominal" },
          order: { field: "tokens", type: "quantitative" },
        },
      },
      ...(links.length === 0
        ? []
        : [
            {
              name: "counterparts",
              data: { values: links },
              mark: { type: "rule" as const, strokeDash: [2, 3], strokeWidth: 1.5, opacity: 0.8 },
              encoding: {
                x2: { field: "counterpartTokens" },
                y2: { field: "counterpartAccuracy" },
                tooltip: [
                  { field: "strategy", type: "nominal" as const },
                  { field: "counterpart", type: "nominal" as const, title: "fixed-budget counterpart" },
                  {
                    field: "tokenShare",
                    type: "quantitative" as const,
                    format: ".0%",
                    title: "tokens vs counterpart",
                  },
                  {
                    field: "accuracyChange",
                    type: "quantitative" as const,
                    format: "+.1%",
                    title: "accuracy vs counterpart",
                  },
                ],
              },
            },
          ]),
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
          shape: strategyShapeEncoding(
            strategies,
            points.map((point) => point.strategy),
          ),
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
        data: { values: labels },
        mark: labelMark,
        encoding: { text: { field: "label", type: "nominal" }, color: { value: "#333" } },
      },
    ],
  };
  return { spec, points, labels, links, measure, omitted };
}
