import { findStrategyEntry, splitModelRoute } from "../strategies/index.ts";
import { labFamilyOf } from "./lab-family.ts";
import { UsageError } from "./usage-error.ts";

/** Options of `refuseUnroutedSpecs`. */
export interface RefuseUnroutedSpecsOptions {
  /** The command's strategy specs. */
  readonly specs: readonly string[];
  /** The route of routing specs that name none (`RouteModels.defaultRoute`); absent when there is none. */
  readonly defaultRoute: readonly string[] | undefined;
  /** The main model (`--model`): a lab model's name or path, any other `.gguf` file, or a served model. */
  readonly model: string;
  /** The flag the specs came from (`--strategies`). */
  readonly specFlag: string;
  /** Whether the models are the embedded engine's (lab models) rather than a server's. */
  readonly embedded: boolean;
}

/**
 * The routing specs among `specs` that name no models of their own (`cascade@8`, not
 * `cascade@8:lab-small>lab-large`): they route from a small model to the main one.
 *
 * @example
 * unroutedSpecs(["greedy", "cascade-mass@2x8"]); // ["cascade-mass@2x8"]
 */
export function unroutedSpecs(specs: readonly string[]): string[] {
  return specs.filter(
    (spec) =>
      findStrategyEntry(spec)?.entry.needs.includes("models") === true &&
      splitModelRoute(spec).route === undefined,
  );
}

/**
 * Refuses, before any pair runs, routing specs that name no models when there is no small model to route
 * from: no `--small-model`, and the main model is its lab family's smallest or no lab model at all. The
 * message names the spec flag and suggests a route of the main model's own family
 * (`cascade@8:lab-v2-small>lab-v2-large` for a `v2` model), or `--small-model`.
 *
 * @throws UsageError naming `specFlag`.
 * @example
 * await refuseUnroutedSpecs({ specs, defaultRoute: routes.defaultRoute, model, specFlag: "--strategies", embedded: true });
 */
export async function refuseUnroutedSpecs(options: RefuseUnroutedSpecsOptions): Promise<void> {
  if (options.defaultRoute !== undefined) return;
  const unrouted = unroutedSpecs(options.specs);
  const first = unrouted[0];
  if (first === undefined) return;
  const { model, specFlag } = options;
  const routes = `${specFlag} ${unrouted.join(", ")} ${unrouted.length === 1 ? "routes" : "route"} from a smaller model to ${model}`;
  const named = (route: string) =>
    `name the models after the spec, smallest first (${JSON.stringify(`${first}:${route}`)})`;
  if (!options.embedded) {
    throw new UsageError(
      `${routes}; give a small model of the same server (--small-model NAME), or ${named(`SMALL>${model}`)}`,
      specFlag,
    );
  }
  const family = await labFamilyOf(model);
  if (family === undefined) {
    throw new UsageError(
      `${routes}, which is not a lab model, so no family gives the smaller one; give it (--small-model NAME or PATH.gguf), ` +
        `or ${named(`SMALL.gguf>${model}`)}`,
      specFlag,
    );
  }
  const smallest = family.members[0];
  const largest = family.members.at(-1);
  const route =
    smallest !== undefined && largest !== undefined && smallest !== largest
      ? `${named(`${smallest}>${largest}`)}, `
      : "";
  throw new UsageError(
    `${routes}, and ${family.model} is the smallest model of its family (${family.family}); ` +
      `${route}or give a small model (--small-model NAME)`,
    specFlag,
  );
}
