import { strategySpecForms } from "../../strategies/index.ts";

// A model name carries a strategy as a prefix: any `family@N` followed by letter-led integers
// (`beam@NxM`, `probe@NkKmM`, `extend@MwE`; an unknown family is then refused by the spec parser, naming
// the forms) or a catalog form without integers (`greedy`, `single`).
const bareForms = strategySpecForms.filter((form) => !form.includes("@"));
const strategyPrefix = new RegExp(
  `^((?:[a-z][a-z0-9-]*@\\d+(?:[a-z]\\d+)*)|${bareForms.join("|")}):(.+)$`,
  "i",
);

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
