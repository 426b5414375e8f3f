import type { Handler } from "hono";
import type { ServerEnvironment } from "../middleware/index.ts";
import { type GenerationRouteOptions, generationRoute } from "./generation-route.ts";

/**
 * `POST /v1/completions`, as OpenAI's legacy endpoint: a prompt in, a `text_completion` (or its chunks,
 * streamed) out, with the `mull` object when a strategy ran.
 *
 * @example
 * app.post("/v1/completions", drainGuard(…), inFlightLimit(…), requestAbort(…), completionsRoute({ models, config, metrics }));
 */
export function completionsRoute(options: GenerationRouteOptions): Handler<ServerEnvironment> {
  return generationRoute("completions", options);
}
