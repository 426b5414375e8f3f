import { strategySpecForms } from "./find-strategy-entry.ts";

// A model name carries a strategy as a prefix: any `family@…` or `family(…)…` up to the first colon
// (`sc@8`, `beam@NxM`, `probe@NkKmM`, `glimp@0.6`, `asc(bon@8)`, and malformed ones such as `sc@-1` or
// `beam@4`, which the spec parser then refuses, naming the forms, rather than the name being taken for an
// unknown model) or a catalog form that is a bare word (`greedy`, `single`).
const bareForms = strategySpecForms.filter((form) => /^[a-z][a-z0-9-]*$/.test(form));
const strategyPrefix = new RegExp(`^((?:[a-z][a-z0-9-]*[@(][^:\\s]+)|${bareForms.join("|")}):(.+)$`, "i");

/** A model name split at its strategy prefix. */
export interface PrefixedModel {
  /** The strategy spec, e.g. `sc@8`, `beam@4x2`, `greedy`. */
  readonly strategy: string;
  /** The served model's name. */
  readonly model: string;
}

/**
 * Splits a model name with a strategy prefix into the strategy and the model; `undefined` when the name
 * has no prefix.
 *
 * @example
 * splitStrategyPrefix("sc@8:qwen2.5-7b"); // { strategy: "sc@8", model: "qwen2.5-7b" }
 */
export function splitStrategyPrefix(name: string): PrefixedModel | undefined {
  const match = strategyPrefix.exec(name);
  return match === null ? undefined : { strategy: match[1] as string, model: match[2] as string };
}
