import type { Handler } from "hono";
import type { ModelCatalog } from "./model-catalog.ts";

/**
 * `GET /v1/models`, as OpenAI's: `{ "object": "list", "data": [...] }` with every model of the catalog
 * (`modelCatalog`): the served models, the advertised strategies each can run, the configured routes.
 *
 * @example
 * app.get("/v1/models", modelsRoute(modelCatalog({ models, advertisedStrategies: ["sc@8"] })));
 */
export function modelsRoute(catalog: ModelCatalog): Handler {
  return (context) => context.json({ object: "list", data: catalog.list() });
}
