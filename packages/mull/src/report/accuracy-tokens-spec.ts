import type { TopLevelSpec } from "vega-lite";
import { paretoFront, type StrategySummary, strategySeries } from "../bench/metrics/index.ts";
import type { PointLabelSettings } from "./point-label-placement.ts";
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
  /** The point is on the Pareto front: its label is placed before the others'. */
  readonly front: boolean;
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
  const byPlace = new Map<
    string,
    { tokens: number; accuracy: number; front: boolean; strategies: string[] }
  >();
  for (const point of points) {
    const place = `${point.tokens.toPrecision(12)}|${point.accuracy.toPrecision(12)}`;
    const label = byPlace.get(place) ?? {
      tokens: point.tokens,
      accuracy: point.accuracy,
      front: false,
      strategies: [],
    };
    label.strategies.push(point.strategy);
    label.front ||= point.front;
    byPlace.set(place, label);
  }
  return [...byPlace.values()].map(({ tokens, accuracy, front, strategies }) => ({
    label: strategies.join(", "),
    tokens,
    accuracy,
    front,
  }));
}

/** The plot's point labels, placed apart when it is compiled (`compileReportSpec`): off the points. */
const labelSettings: PointLabelSettings = {
  layer: "labels",
  avoid: ["points", "frontPoints", "front", "families", "counterparts"],
};

/**
 * Factor by which a logarithmic token axis extends past the data on each side: 1.15, or 6% of the data's
 * logarithmic span where that is more.
 */
function logPadding(smallest: number, largest: number): number {
  return Math.max(1.15, (largest / smallest) ** 0.06);
}

/** The round numbers (1, 2 and 5 times a power of ten) from `lower` to `upper`, for a logarithmic axis. */
function roundTicks(lower: number, upper: number): number[] {
  const ticks: number[] = [];
  for (let power = Math.floor(Math.log10(lower)); 10 ** power <= upper; power += 1) {
    for (const step of [1, 2, 5]) {
      const tick = step * 10 ** power;
      if (tick >= lower && tick <= upper) ticks.push(tick);
    }
  }
  return ticks;
}

/**
 * The token axis: logarithmic when tokens span a factor of 10 or more, its domain the data's padded
 * (not stretched to whole powers of ten) with ticks at round numbers; else linear over the padded data,
 * rounded to nice numbers. A single token count spans nothing, and its axis would have one tick: that
 * axis starts at 0.
 */
function tokenScale(tokens: readonly number[]): {
  scale: { type?: "log"; domain?: [number, number]; zero?: boolean; nice: boolean };
  ticks?: number[];
} {
  const positive = tokens.filter((count) => count > 0);
  const smallest = Math.min(...tokens);
  const largest = Math.max(...tokens);
  if (positive.length === tokens.length && positive.length > 1 && largest / smallest >= 10) {
    const padding = logPadding(smallest, largest);
    const domain: [number, number] = [smallest / padding, largest * padding];
    return { scale: { type: "log", domain, nice: false }, ticks: roundTicks(...domain) };
  }
  if (new Set(tokens).size < 2) return { scale: { zero: true, nice: true } };
  const margin = (largest - smallest) * 0.05;
  return { scale: { domain: [Math.max(0, smallest - margin), largest + margin], zero: false, nice: true } };
}

/**
 * A Vega-Lite plot of accuracy (with its bootstrap interval) against mean tokens per problem, one point
 * per strategy (coloured as in `strategies`), grey lines joining the budgets of one series (`sc@4`,
 * `sc@8`, `sc@16` on `sc@N`; an adaptive method such as `asc@N` is a series of its own), a dotted line
 * in its colour from each adaptive strategy to its fixed-budget counterpart when both are drawn (`asc@16`
 * to `sc@16`; see `strategySeries`), and the Pareto front of fewer tokens and higher accuracy drawn as a
 * dashed line through ringed points. The x axis spans the data's tokens with some padding, logarithmic
 * (ticks at 1, 2 and 5 times a power of ten) when they span a factor of 10 or more. Each point is
 * labelled with its strategy, strategies at the same point with one joined label; the spec declares the
 * labels in `usermeta.pointLabels`, and `compileReportSpec` places them where they overlap no other label
 * and no point, inside the plot, with a leader line when pushed away from their point, leaving out a
 * label with no free spot (the legend still names its strategy).
 *
 * Marks are named for inspection: `points`, `frontPoints`, `front`, `families`, `counterparts`,
 * `intervals`, `labels` (and `labels_leaders` once compiled).
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
  const tokenAxis = tokenScale(points.map((point) => point.tokens));
  const axisTitle =
    measure === "total"
      ? "tokens per problem (prompt + completion, mean)"
      : "completion tokens per problem (mean)";
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: 620,
    height: 360,
    usermeta: { pointLabels: labelSettings },
    data: { values: points },
    encoding: {
      x: {
        field: "tokens",
        type: "quantitative",
        title: axisTitle,
        scale: tokenAxis.scale,
        // Whole tokens with thousands separators (1,250), never a tick between two whole numbers.
        axis: {
          format: ",.0f",
          tickMinStep: 1,
          ...(tokenAxis.ticks === undefined ? {} : { values: tokenAxis.ticks }),
        },
      },
      y: shareEncoding("accuracy", "accuracy"),
      color: {
        ...strategyColorEncoding(
          strategies,
          points.map((point) => point.strategy),
        ),
      },
    },
    layer: [
      {
        name: "intervals",
        // The point's own label reads the interval out; the rule's would call its lower end the accuracy.
        mark: { type: "rule", opacity: 0.6, aria: false },
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
        // Where each label goes is decided when the plot is drawn (`compileReportSpec`, from `usermeta`).
        mark: { type: "text", fontSize: 11 },
        encoding: { text: { field: "label", type: "nominal" }, color: { value: "#333" } },
      },
    ],
  };
  return { spec, points, labels, links, measure, omitted };
}
