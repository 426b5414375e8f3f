/** Vega's `tableau10` scheme, so colours can be fixed per strategy rather than per plot. */
const palette = [
  "#4c78a8",
  "#f58518",
  "#e45756",
  "#72b7b2",
  "#54a24b",
  "#eeca3b",
  "#b279a2",
  "#ff9da6",
  "#9d755d",
  "#bab0ac",
] as const;

/**
 * The colour scale of one plot, such that a strategy has the same colour in every plot of a report:
 * colours follow the strategy's position in the run's order (`strategies`), while the domain holds only
 * the strategies the plot draws (`drawn`), so legends list nothing absent.
 */
export function strategyColorScale(
  strategies: readonly string[],
  drawn: readonly string[] = strategies,
): { domain: string[]; range: string[] } {
  const domain = drawn.filter((strategy, index) => drawn.indexOf(strategy) === index);
  return {
    domain,
    range: domain.map((strategy) => {
      const position = strategies.indexOf(strategy);
      return palette[
        (position === -1 ? strategies.length + domain.indexOf(strategy) : position) % palette.length
      ]!;
    }),
  };
}

/** The colour channel of a plot's encoding: by strategy, with the report-wide colours (`strategyColorScale`). */
export function strategyColorEncoding(strategies: readonly string[], drawn: readonly string[] = strategies) {
  return {
    field: "strategy",
    type: "nominal" as const,
    title: "strategy",
    scale: strategyColorScale(strategies, drawn),
  };
}

/** A quantitative share in [0, 1] shown as a percentage axis, e.g. accuracy or coverage. */
export function shareEncoding(field: string, title: string) {
  return {
    field,
    type: "quantitative" as const,
    title,
    scale: { domain: [0, 1] },
    axis: { format: ".0%" },
  };
}
