import { ConfigError } from "../errors/index.ts";
import { optionError } from "../runtime/index.ts";
import { type ArchitectureLayer, answeringLayerKinds } from "./architecture-layer.ts";

/** The largest sample or keep count a layer may carry (as in every strategy spec). */
const largestCount = 100_000;

/** The threshold of `verify` and `test` when a spec gives none. */
export const defaultLayerThreshold = 0.5;

/** The layer forms of an architecture spec, for help and errors. */
export const architectureLayerForms: readonly string[] = [
  "gen@N",
  "gen@NtT",
  "critique",
  "fuse@M",
  "fuse@MtT",
  "rank@K",
  "rank-prm@K",
  "rank-lp@K",
  "verify",
  "verify@T",
  "test",
  "test@T",
  "vote",
  "first",
];

const number = String.raw`\d+(?:\.\d+)?`;
const layerPattern = new RegExp(
  "^(gen|fuse|critique|rank|rank-prm|rank-lp|verify|test|vote|first)" +
    String.raw`(?:@(${number})(?:t(${number}))?)?(?:\(([^()]*)\))?$`,
);

/** Whether a spec is an architecture: its first layer generates (`gen@8+rank@2+vote`, or `gen@8` alone). */
export function isArchitectureSpec(text: string): boolean {
  return /^\s*gen@/i.test(text);
}

function count(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  const parsed = Number(value);
  return parsed >= 1 && parsed <= largestCount ? parsed : undefined;
}

/** One layer's text as a layer, or `undefined` when it is none of the forms. */
function readLayer(text: string): ArchitectureLayer | undefined {
  const match = layerPattern.exec(text);
  if (match === null) return undefined;
  const [, word, first, temperatureText, modelText] = match;
  const model = modelText?.trim();
  if (model === "") return undefined;
  const withModel = model === undefined ? {} : { model };
  const temperature = temperatureText === undefined ? undefined : Number(temperatureText);
  if (temperature !== undefined && temperature > 2) return undefined;
  const withTemperature = temperature === undefined ? {} : { temperature };
  const modelAllowed = word === "gen" || word === "fuse" || word === "critique";
  if (!modelAllowed && model !== undefined) return undefined;
  if (temperature !== undefined && word !== "gen" && word !== "fuse") return undefined;
  switch (word) {
    case "gen":
    case "fuse": {
      const samples = count(first);
      if (samples === undefined) return undefined;
      return { kind: word === "gen" ? "generate" : "fuse", samples, ...withTemperature, ...withModel };
    }
    case "critique":
      return first === undefined ? { kind: "critique", ...withModel } : undefined;
    case "rank":
    case "rank-prm":
    case "rank-lp": {
      const keep = count(first);
      if (keep === undefined) return undefined;
      return { kind: "rank", keep, by: word === "rank" ? "scorer" : word === "rank-prm" ? "prm" : "logprob" };
    }
    case "verify":
    case "test": {
      const threshold = first === undefined ? defaultLayerThreshold : Number(first);
      if (word === "test" && threshold > 1) return undefined;
      return { kind: word, threshold };
    }
    default:
      return first === undefined ? { kind: word as "vote" | "first" } : undefined;
  }
}

function specError(text: string, problem: string): ConfigError {
  return new ConfigError(
    `strategy: ${problem} in the architecture ${JSON.stringify(text.trim())}; expected layers joined by "+", ` +
      `the first gen@N, from ${architectureLayerForms.join(", ")} (N, M, K integers from 1 to ${largestCount}; ` +
      "T a temperature up to 2 or a threshold; a model in parentheses after gen, critique or fuse: gen@4(lab-small))",
    { field: "strategy" },
  );
}

/**
 * The most candidates the pool can hold after a layer, given the most before it: a generate adds its
 * samples, a fuse replaces the pool with its own, a rank keeps its K; the others keep the pool or part of it.
 */
function poolAfter(layer: ArchitectureLayer, before: number): number {
  switch (layer.kind) {
    case "generate":
      return before + layer.samples;
    case "fuse":
      return layer.samples;
    case "rank":
      return Math.min(before, layer.keep);
    default:
      return before;
  }
}

/**
 * Checks what the layers allow in order, naming the layer that breaks it: an answering layer only last, a
 * fuse after every critique, and each rank keeping fewer candidates than the layers before it can make
 * (keeping them all would only reorder them, and `rank@1` picks the best as well).
 */
function checkOrder(text: string, layers: readonly ArchitectureLayer[]): void {
  if (layers[0]?.kind !== "generate") throw specError(text, "layer 1 does not generate");
  let pool = 0;
  layers.forEach((layer, index) => {
    const position = `layer ${index + 1} (${layer.kind})`;
    if (answeringLayerKinds.includes(layer.kind) && index !== layers.length - 1) {
      throw specError(text, `${position} chooses the answer but is not the last layer`);
    }
    if (layer.kind === "critique" && !layers.slice(index + 1).some((later) => later.kind === "fuse")) {
      throw specError(text, `${position} has no fuse after it to read its critiques`);
    }
    if (layer.kind === "rank" && layer.keep >= pool) {
      throw specError(
        text,
        `layer ${index + 1} (${formatArchitecture([layer])}) keeps ${layer.keep} of ${pool} candidates; ` +
          `expected K below the ${pool} the layers before it make`,
      );
    }
    pool = poolAfter(layer, pool);
  });
}

/**
 * Reads an architecture spec: layers joined by `+`, the first a `gen@N`, the last (when it chooses the
 * answer) `vote` or `first`; without either, a majority vote answers. Layer words are read
 * case-insensitively; model names in parentheses keep their case.
 *
 * | layer | does |
 * | --- | --- |
 * | `gen@N`, `gen@NtT`, `gen@N(model)` | N samples (at temperature T, on a named model) join the pool |
 * | `critique`, `critique(model)` | one critique of each candidate, read by the next fuse |
 * | `fuse@M`, `fuse@MtT`, `fuse@M(model)` | M solutions written with the pool in the prompt replace it |
 * | `rank@K`, `rank-prm@K`, `rank-lp@K` | the K best by the outcome scorer, the PRM's weakest step, the mean log-probability; K below the candidates the layers before it make |
 * | `verify`, `verify@T` | the candidates the outcome scorer scores ≥ T (default 0.5) |
 * | `test`, `test@T` | the candidates every step of which the PRM rewards ≥ T (default 0.5) |
 * | `vote`, `first` | the answer: a majority vote, or the pool's first candidate |
 *
 * @throws ConfigError naming the spec, the layer and what was expected; for a `text` that is not a string.
 * @example
 * parseArchitecture("gen@8+verify+rank@2+vote");
 * // [{ kind: "generate", samples: 8 }, { kind: "verify", threshold: 0.5 }, { kind: "rank", keep: 2, by: "scorer" }, { kind: "vote" }]
 */
export function parseArchitecture(text: string): ArchitectureLayer[] {
  if (typeof text !== "string") {
    throw optionError(
      "parseArchitecture",
      "text",
      text,
      'an architecture spec (a string such as "gen@8+vote")',
    );
  }
  const parts = text.trim().split("+");
  const layers = parts.map((part, index) => {
    const open = part.indexOf("(");
    // Layer words are case-insensitive; a model's name keeps its case.
    const normalized =
      open < 0
        ? part.trim().toLowerCase()
        : `${part.slice(0, open).trim().toLowerCase()}${part.slice(open).trim()}`;
    const layer = readLayer(normalized);
    if (layer === undefined) {
      throw specError(text, `layer ${index + 1} is ${JSON.stringify(part.trim())}, which is no layer form`);
    }
    return layer;
  });
  checkOrder(text, layers);
  return layers;
}

function decimal(value: number): string {
  return String(value);
}

/**
 * The canonical spec of an architecture's layers, the inverse of `parseArchitecture`: `verify` and
 * `test` at the default threshold are written bare.
 *
 * @example
 * formatArchitecture([{ kind: "generate", samples: 8 }, { kind: "vote" }]); // "gen@8+vote"
 */
export function formatArchitecture(layers: readonly ArchitectureLayer[]): string {
  return layers
    .map((layer) => {
      const model = "model" in layer && layer.model !== undefined ? `(${layer.model})` : "";
      switch (layer.kind) {
        case "generate":
        case "fuse": {
          const temperature = layer.temperature === undefined ? "" : `t${decimal(layer.temperature)}`;
          return `${layer.kind === "generate" ? "gen" : "fuse"}@${layer.samples}${temperature}${model}`;
        }
        case "critique":
          return `critique${model}`;
        case "rank":
          return `${layer.by === "scorer" ? "rank" : layer.by === "prm" ? "rank-prm" : "rank-lp"}@${layer.keep}`;
        case "verify":
        case "test":
          return layer.threshold === defaultLayerThreshold
            ? layer.kind
            : `${layer.kind}@${decimal(layer.threshold)}`;
        default:
          return layer.kind;
      }
    })
    .join("+");
}
