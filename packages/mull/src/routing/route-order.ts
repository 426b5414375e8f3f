import { ConfigError } from "../errors/index.ts";
import type { NamedBackend } from "../strategies/strategy-entry.ts";

/**
 * A model's size as its backend describes it (`architecture.parameters`); `undefined` when unknown, or when
 * the backend cannot describe itself (a stand-in that a spec's strategy is built on before models load).
 *
 * @example
 * modelParameters({ name: "lab-v2-small", backend }); // 117952
 */
export function modelParameters(model: NamedBackend): number | undefined {
  let parameters: unknown;
  try {
    parameters = model.backend.describe().architecture?.parameters;
  } catch {
    return undefined;
  }
  return typeof parameters === "number" && Number.isFinite(parameters) && parameters > 0
    ? parameters
    : undefined;
}

/**
 * A model's name with its size, as refusals about the order of a route's models write it.
 *
 * @example
 * withSize("lab-v2-large", 2088160); // "lab-v2-large (2,088,160 parameters)"
 */
export function withSize(name: string, parameters: number): string {
  return `${name} (${parameters.toLocaleString("en-US")} parameters)`;
}

/**
 * Refuses a route whose models do not go from the smallest to the largest, as far as their sizes are
 * known: a chain (a cascade, a router of a small and a large model, a probe model then the model that
 * draws the extra samples) given largest first would run backwards, escalating to a smaller model. Each
 * model whose backend describes its size (`describe().architecture.parameters`: the embedded engine's
 * models, lab models included) is compared with the last model before it whose size is known; models of
 * equal or unknown size pass, so does a route of fewer than two sized models.
 *
 * @throws ConfigError (`<owner>: …`, field `models`) naming the route, the two models out of order and
 * their parameter counts, and the order expected.
 * @example
 * refuseLargestFirst("cascade", options.models);
 * // cascade: route lab-v2-large>lab-v2-small puts lab-v2-large (2,088,160 parameters) before
 * // lab-v2-small (117,952 parameters); expected the smallest first (lab-v2-small>lab-v2-large)
 */
export function refuseLargestFirst(owner: string, models: readonly NamedBackend[]): void {
  const sizes = models.map((model) => ({ name: model.name, parameters: modelParameters(model) }));
  let before: { name: string; parameters: number } | undefined;
  for (const { name, parameters } of sizes) {
    if (parameters === undefined) continue;
    if (before !== undefined && parameters < before.parameters) {
      const known = sizes.every((size) => size.parameters !== undefined);
      const expected = known
        ? ` (${[...sizes]
            .sort((first, second) => (first.parameters ?? 0) - (second.parameters ?? 0))
            .map((size) => size.name)
            .join(">")})`
        : "";
      throw new ConfigError(
        `${owner}: route ${models.map((model) => model.name).join(">")} puts ` +
          `${withSize(before.name, before.parameters)} before ${withSize(name, parameters)}; ` +
          `expected the smallest first${expected}`,
        { field: "models" },
      );
    }
    before = { name, parameters };
  }
}
