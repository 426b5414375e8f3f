import type { Handler } from "hono";
import type { ServerEnvironment } from "../middleware/index.ts";
import { type GenerationRouteOptions, generationRoute } from "./generation-route.ts";

/**
 * `POST /v1/chat/completions`, as OpenAI's: messages in, a `chat.completion` (or its chunks, streamed)
 * out, with the `mull` object when a strategy ran.
 *
 * @example
 * app.post("/v1/chat/completions", drainGuard(…), inFlightLimit(…), requestAbort(…), chatCompletionsRoute({ models, config, metrics }));
 */
export function chatCompletionsRoute(options: GenerationRouteOptions): Handler<ServerEnvironment> {
  return generationRoute("chat", options);
}
