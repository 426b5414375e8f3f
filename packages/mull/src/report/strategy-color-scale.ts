/**
 * Twenty colours, told apart at a glance on white: Vega's `tableau10` scheme, then ten more picked to
 * stay at least 25 CIELAB units (ΔE*ab) from every other colour, as far apart as tableau10's own closest
 * pair. Colours are fixed per strategy rather than per plot, so no two strategies of a report of up to
 * twenty share one.
 */
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
  "#6a3d9a",
  "#808000",
  "#2f4f4f",
  "#a65628",
  "#b5cf6b",
  "#1b9e77",
  "#97bbf5",
  "#f781bf",
  "#637939",
  "#843c39",
] as const;

/**
 * Shapes of the strategies' points, one per round of the palette: the first twenty strategies are
 * circles, the next twenty squares, and so on, so that past twenty strategies no two share both colour
 * and shape.
 */
const shapes = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down"] as const;

/**
 * Each strategy a plot draws, once, with its position in the run's order; a strategy the run does not
 * list comes after all of those it does, in drawing order.
 */
function strategyPositions(
  strategies: readonly string[],
  drawn: readonly string[],
): { domain: string[]; positions: number[] } {
  const domain = drawn.filter((strategy, index) => drawn.indexOf(strategy) === index);
  const unlisted = domain.filter((strategy) => !strategies.includes(strategy));
  const positions = domain.map((strategy) => {
    const position = strategies.indexOf(strategy);
    return position === -1 ? strategies.length + unlisted.indexOf(strategy) : position;
  });
  return { domain, positions };
}

/**
 * The colour scale of one plot, such that a strategy has the same colour in every plot of a report:
 * colours follow the strategy's position in the run's order (`strategies`), while the domain holds only
 * the strategies the plot draws (`drawn`), so legends list nothing absent. Up to twenty strategies have
 * twenty different colours; past that colours repeat, and `strategyShapeScale` tells the rounds apart.
 */
export function strategyColorScale(
  strategies: readonly string[],
  drawn: readonly string[] = strategies,
): { domain: string[]; range: string[] } {
  const { domain, positions } = strategyPositions(strategies, drawn);
  return { domain, range: positions.map((position) => palette[position % palette.length]!) };
}

/**
 * The shape scale of one plot's points, in step with `strategyColorScale`: a circle for each of the
 * first twenty strategies, then another shape for each further round of the palette, so a strategy's
 * colour and shape together are its own.
 */
export function strategyShapeScale(
  strategies: readonly string[],
  drawn: readonly string[] = strategies,
): { domain: string[]; range: string[] } {
  const { domain, positions } = strategyPositions(strategies, drawn);
  return {
    domain,
    range: positions.map((position) => shapes[Math.floor(position / palette.length) % shapes.length]!),
  };
}

/** Font size of Vega's legend labels, in pixels. */
const legendFontSize = 10;
/**
 * Width per character and pixel of font size by which Vega estimates text where it cannot measure it (in
 * Node, for the SVG and PNG exports): wider than any browser draws these names.
 */
const estimatedCharacterWidth = 0.8;
/** The widest legend label, in pixels: past it a name (of some fifty characters) ends in "…". */
const widestLegendLabel = 400;

/**
 * The width a legend gives its labels (Vega's `labelLimit`) so that it names every strategy whole in the
 * page and in the exports alike: the longest name's width as Vega estimates it without a browser (which
 * is wider than the browser draws it), up to 400 px. Vega's default of 160 px cut
 * `gen@8+rank-lp@4+vote` in the exports only.
 */
export function legendLabelLimit(names: readonly string[]): number {
  const longest = Math.max(0, ...names.map((name) => name.length));
  return Math.min(widestLegendLabel, Math.ceil(longest * estimatedCharacterWidth * legendFontSize) + 1);
}

/**
 * The colour channel of a plot's encoding: by strategy, with the report-wide colours (`strategyColorScale`),
 * and a legend of opaque symbols that names every drawn strategy whole (`legendLabelLimit`).
 */
export function strategyColorEncoding(strategies: readonly string[], drawn: readonly string[] = strategies) {
  const scale = strategyColorScale(strategies, drawn);
  return {
    field: "strategy",
    type: "nominal" as const,
    title: "strategy",
    scale,
    legend: { symbolOpacity: 1, labelLimit: legendLabelLimit(scale.domain) },
  };
}

/**
 * The shape channel of a plot's points: by strategy, with the report-wide shapes (`strategyShapeScale`).
 * Its field and title are the colour channel's, so the two share one legend.
 */
export function strategyShapeEncoding(strategies: readonly string[], drawn: readonly string[] = strategies) {
  return {
    field: "strategy",
    type: "nominal" as const,
    title: "strategy",
    scale: strategyShapeScale(strategies, drawn),
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
