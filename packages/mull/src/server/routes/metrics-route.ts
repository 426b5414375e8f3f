import type { Handler } from "hono";
import type { ServerMetrics } from "../telemetry/index.ts";

/**
 * `GET /metrics`: the server's Prometheus metrics, in the text exposition format.
 *
 * @example
 * app.get("/metrics", metricsRoute(createServerMetrics()));
 */
export function metricsRoute(metrics: ServerMetrics): Handler {
  return async (context) => {
    const text = await metrics.registry.metrics();
    return context.body(text, 200, { "content-type": metrics.registry.contentType });
  };
}
