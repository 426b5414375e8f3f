export { chatCompletionsRoute } from "./chat-completions-route.ts";
export { completionsRoute } from "./completions-route.ts";
export { type GenerationRouteOptions, generationRoute } from "./generation-route.ts";
export { type HealthRouteOptions, healthRoute } from "./health-route.ts";
export { methodNotAllowed, type RouteMethod } from "./method-not-allowed.ts";
export { metricsRoute } from "./metrics-route.ts";
export {
  type ModelCatalog,
  type ModelCatalogOptions,
  type ModelObject,
  modelCatalog,
} from "./model-catalog.ts";
export { modelRoute } from "./model-route.ts";
export { modelsRoute } from "./models-route.ts";
export { notFound } from "./not-found.ts";
export { unhandledError } from "./unhandled-error.ts";
