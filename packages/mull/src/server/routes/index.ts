export { chatCompletionsRoute } from "./chat-completions-route.ts";
export { completionsRoute } from "./completions-route.ts";
export { type GenerationRouteOptions, generationRoute } from "./generation-route.ts";
export { type HealthRouteOptions, healthRoute } from "./health-route.ts";
export { methodNotAllowed } from "./method-not-allowed.ts";
export { metricsRoute } from "./metrics-route.ts";
export { type ModelsRouteOptions, modelsRoute } from "./models-route.ts";
export { notFound } from "./not-found.ts";
export { unhandledError } from "./unhandled-error.ts";
