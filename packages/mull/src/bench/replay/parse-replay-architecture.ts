import { type ArchitectureLayer, formatArchitecture, parseArchitecture } from "../../composition/index.ts";
import { ConfigError } from "../../errors/index.ts";

/** An architecture as replay runs it: a replay strategy of kind `architecture`. */
export interface ReplayArchitecture {
  /** The canonical spec. */
  readonly name: string;
  readonly kind: "architecture";
  /** The samples of its `gen@k`. */
  readonly k: number;
  readonly layers: readonly ArchitectureLayer[];
}

/** What recorded samples let an architecture do, for errors. */
const replayableLayers =
  "gen@k first (no model or temperature: the recording is the model), then verify[@T] (reward), rank@K (reward), " +
  "rank-lp@K (mean token log-probability), and vote or first";

/** Whether a layer can run on recorded samples after the first. */
function replayable(layer: ArchitectureLayer): boolean {
  return (
    layer.kind === "verify" ||
    layer.kind === "vote" ||
    layer.kind === "first" ||
    (layer.kind === "rank" && layer.by !== "prm")
  );
}

/**
 * An architecture spec as a replay strategy (`gen@8+verify+rank@4+vote`): its samples are the `gen@k`,
 * and the layers after it must be ones recorded samples allow (rewards stand for the outcome scorer, the
 * recorded log-probabilities for the model's own).
 *
 * @throws ConfigError naming the flag, the spec and the layer that cannot be replayed.
 * @example
 * parseReplayArchitecture("gen@8+verify@0.7+vote"); // { name: "gen@8+verify@0.7+vote", kind: "architecture", k: 8, layers: […] }
 */
export function parseReplayArchitecture(spec: string, flag = "--strategies"): ReplayArchitecture {
  let layers: ArchitectureLayer[];
  try {
    layers = parseArchitecture(spec);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    throw new ConfigError(`${flag}: ${error.message.replace(/^strategy: /, "")}`, { field: flag });
  }
  const [first, ...rest] = layers;
  const name = formatArchitecture(layers);
  const refuse = (index: number, layer: ArchitectureLayer) =>
    new ConfigError(
      `${flag}: layer ${index + 1} (${formatArchitecture([layer])}) of ${name} cannot be replayed; recorded samples allow ${replayableLayers}`,
      { field: flag },
    );
  if (first?.kind !== "generate" || first.model !== undefined || first.temperature !== undefined) {
    throw refuse(0, first!);
  }
  rest.forEach((layer, index) => {
    if (!replayable(layer)) throw refuse(index + 1, layer);
  });
  return { name, kind: "architecture", k: first.samples, layers };
}
