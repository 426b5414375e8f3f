import { ConfigError } from "../errors/index.ts";
import { standInBackend } from "../strategies/stand-in-dependencies.ts";
import type { NamedBackend } from "../strategies/strategy-entry.ts";

/**
 * Refuses a route that gives one model twice, by name or by backend: a route hands work from one model to
 * another, so a model given twice routes nowhere, and a chain escalating to it pays twice for one model's
 * answers. Stand-ins (`standInBackend`), which a spec's strategy is built on before its models load, stand
 * for models not known yet and are not compared.
 *
 * @throws ConfigError (`<owner>: models[i] …`, field `models`) naming both places, the names and what
 * was expected.
 * @example
 * refuseRepeatedModels("cascade", [{ name: "a", backend }, { name: "b", backend }]);
 * // throws: cascade: models[1] ("b") has the backend of models[0] ("a"); expected a different model at each place …
 */
export function refuseRepeatedModels(owner: string, models: readonly NamedBackend[]): void {
  for (const [index, model] of models.entries()) {
    const earlier = models.findIndex(
      (other, otherIndex) =>
        otherIndex < index &&
        (other.name === model.name || (other.backend === model.backend && model.backend !== standInBackend)),
    );
    if (earlier === -1) continue;
    const first = models[earlier]!;
    const what =
      first.name === model.name
        ? `is named ${JSON.stringify(model.name)}, as models[${earlier}] is`
        : `(${JSON.stringify(model.name)}) has the backend of models[${earlier}] (${JSON.stringify(first.name)})`;
    throw new ConfigError(
      `${owner}: models[${index}] ${what}; expected a different model at each place of the route, smallest first`,
      { field: "models" },
    );
  }
}
