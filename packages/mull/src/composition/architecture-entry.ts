import { ConfigError } from "../errors/index.ts";
import type { StrategyEntry, StrategyNeed } from "../strategies/strategy-entry.ts";
import { architecture } from "./architecture.ts";
import type { ArchitectureLayer } from "./architecture-layer.ts";
import { formatArchitecture, isArchitectureSpec, parseArchitecture } from "./parse-architecture.ts";

const summary =
  "an architecture: layers joined by + from gen@N[tT][(model)], critique[(model)], fuse@M[tT][(model)], " +
  "rank@K, rank-prm@K, rank-lp@K, verify[@T], test[@T], then vote (default) or first; it needs what its " +
  "layers need (rank@K and verify: scorer; rank-prm@K and test: prm; rank-lp@K: logprobs)";

/** What an architecture's layers need besides sampling. */
function layerNeeds(layers: readonly ArchitectureLayer[]): StrategyNeed[] {
  const needs = new Set<StrategyNeed>();
  for (const layer of layers) {
    if (layer.kind === "verify" || (layer.kind === "rank" && layer.by === "scorer")) needs.add("scorer");
    if (layer.kind === "test" || (layer.kind === "rank" && layer.by === "prm")) needs.add("prm");
    if (layer.kind === "rank" && layer.by === "logprob") needs.add("logprobs");
  }
  return [...needs];
}

/** The entry of one architecture spec: its canonical text, its needs and the models its layers name. */
function entryOf(spec: string): StrategyEntry {
  const layers = parseArchitecture(spec);
  const canonical = formatArchitecture(layers);
  const namedModels = [
    ...new Set(
      layers.flatMap((layer) => ("model" in layer && layer.model !== undefined ? [layer.model] : [])),
    ),
  ];
  return {
    forms: [canonical],
    kind: "composition",
    summary,
    needs: layerNeeds(layers),
    namedModels,
    create: (_values, { scorer, prm, resolveModel }) => {
      if (namedModels.length > 0 && resolveModel === undefined) {
        throw new ConfigError(
          `strategy: ${JSON.stringify(canonical)} names models (${namedModels.join(", ")}), and nothing here can load a model by name; pass resolveModel`,
          { field: "strategy" },
        );
      }
      return architecture({
        layers,
        scorer,
        prm,
        models: namedModels.map((name) => ({ name, backend: resolveModel!(name) })),
      });
    },
  };
}

/**
 * Architectures in the strategy catalog: any spec whose first layer is `gen@N` (`gen@8+verify+rank@2+vote`)
 * stands for an entry of its own (`resolve`), with the needs of its layers.
 */
export const architectureEntry: StrategyEntry = {
  forms: ["gen@N+…"],
  kind: "composition",
  summary,
  needs: [],
  replay: "recorded",
  create: () => {
    throw new ConfigError(
      'strategy: an architecture is named by its layers, e.g. "gen@8+verify+rank@2+vote"',
      {
        field: "strategy",
      },
    );
  },
  resolve: (spec) => (isArchitectureSpec(spec) ? entryOf(spec) : undefined),
};
