import type { Handler } from "hono";
import { findStrategyEntry } from "../../strategies/index.ts";
import type { ModelRoutes } from "../model-routes/index.ts";
import type { ServedModel } from "../upstreams/index.ts";

/** Options of `modelsRoute`. */
export interface ModelsRouteOptions {
  /** The served models by name. */
  readonly models: ReadonlyMap<string, ServedModel>;
  /** Strategy prefixes listed for each model (`server.advertisedStrategies`). */
  readonly advertisedStrategies: readonly string[];
  /** The configured routes, listed after the models (owned by `mull`). */
  readonly routes?: ModelRoutes | undefined;
}

/**
 * `GET /v1/models`, as OpenAI's: each served model, then each advertised strategy on it
 * (`sc@8:qwen2.5-7b`), except those the model cannot run: what the strategy catalog says needs an outcome
 * scorer (`bon@N`, `wv@N`) without one, step-level searches without a process reward model; then each
 * configured route (`auto`).
 *
 * @example
 * app.get("/v1/models", modelsRoute({ models, advertisedStrategies: ["sc@8"] }));
 */
export function modelsRoute(options: ModelsRouteOptions): Handler {
  const { models, advertisedStrategies } = options;
  const startedAt = Math.floor(Date.now() / 1000);
  return (context) => {
    const data: Record<string, unknown>[] = [];
    for (const model of models.values()) {
      data.push({ id: model.name, object: "model", created: startedAt, owned_by: model.upstream });
      for (const strategy of advertisedStrategies) {
        const needs = findStrategyEntry(strategy)?.entry.needs ?? [];
        if (needs.includes("scorer") && model.scorer === undefined) continue;
        if (needs.includes("prm") && model.prm === undefined) continue;
        data.push({
          id: `${strategy}:${model.name}`,
          object: "model",
          created: startedAt,
          owned_by: "mull",
          parent: model.name,
        });
      }
    }
    for (const name of [
      ...(options.routes?.bandits.keys() ?? []),
      ...(options.routes?.strategies.keys() ?? []),
    ]) {
      data.push({ id: name, object: "model", created: startedAt, owned_by: "mull" });
    }
    return context.json({ object: "list", data });
  };
}
