import { findStrategyEntry } from "../../strategies/index.ts";
import type { ModelRoutes } from "../model-routes/index.ts";
import type { ServedModel } from "../upstreams/index.ts";

/** One model as OpenAI's models API answers it. */
export interface ModelObject {
  readonly id: string;
  readonly object: "model";
  /** When the server started, in Unix seconds. */
  readonly created: number;
  /** The upstream of a served model; `mull` for a strategy form or a configured route. */
  readonly owned_by: string;
  /** The served model a strategy form runs on. */
  readonly parent?: string;
}

/** Options of `modelCatalog`. */
export interface ModelCatalogOptions {
  /** The served models by name. */
  readonly models: ReadonlyMap<string, ServedModel>;
  /** Strategy prefixes listed for each model (`server.advertisedStrategies`). */
  readonly advertisedStrategies: readonly string[];
  /** The configured routes, listed after the models (owned by `mull`). */
  readonly routes?: ModelRoutes | undefined;
}

/** The models a server lists, and the one of an id among them. */
export interface ModelCatalog {
  /** Every listed model, in the list's order. */
  list(): readonly ModelObject[];
  /** The listed model of this id (exact, case included), or `undefined` when the list has none. */
  find(id: string): ModelObject | undefined;
  /** The names of the served models, without their strategy forms or the routes. */
  readonly served: readonly string[];
}

/**
 * The models a server lists (`GET /v1/models`) and lets a client retrieve (`GET /v1/models/{model}`):
 * each served model, then each advertised strategy on it (`sc@8:qwen2.5-7b`), except those the model
 * cannot run: what the strategy catalog says needs an outcome scorer (`bon@N`, `wv@N`) without one,
 * step-level searches without a process reward model; then each configured route (`auto`). Every entry
 * carries the same `created`, the server's start.
 *
 * @example
 * const catalog = modelCatalog({ models, advertisedStrategies: ["sc@8"] });
 * catalog.find("sc@8:qwen2.5-7b"); // { id: "sc@8:qwen2.5-7b", object: "model", owned_by: "mull", parent: "qwen2.5-7b", … }
 */
export function modelCatalog(options: ModelCatalogOptions): ModelCatalog {
  const { models, advertisedStrategies } = options;
  const created = Math.floor(Date.now() / 1000);
  const listed: ModelObject[] = [];
  for (const model of models.values()) {
    listed.push({ id: model.name, object: "model", created, owned_by: model.upstream });
    for (const strategy of advertisedStrategies) {
      const needs = findStrategyEntry(strategy)?.entry.needs ?? [];
      if (needs.includes("scorer") && model.scorer === undefined) continue;
      if (needs.includes("prm") && model.prm === undefined) continue;
      listed.push({
        id: `${strategy}:${model.name}`,
        object: "model",
        created,
        owned_by: "mull",
        parent: model.name,
      });
    }
  }
  for (const name of [
    ...(options.routes?.bandits.keys() ?? []),
    ...(options.routes?.strategies.keys() ?? []),
  ]) {
    listed.push({ id: name, object: "model", created, owned_by: "mull" });
  }
  const byId = new Map<string, ModelObject>();
  // Should two entries share an id, the one listed first answers, as a client reading the list would pick.
  for (const model of listed) if (!byId.has(model.id)) byId.set(model.id, model);
  return {
    list: () => listed,
    find: (id) => byId.get(id),
    served: [...models.keys()],
  };
}
