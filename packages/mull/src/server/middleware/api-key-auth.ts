import type { MiddlewareHandler } from "hono";
import { ApiError, errorResponse } from "../http/index.ts";
import type { ServerMetrics } from "../telemetry/index.ts";
import type { ApiKeyCheck } from "./api-key-check.ts";
import { requestCredential } from "./request-credential.ts";

/** Options of `apiKeyAuth`. */
export interface ApiKeyAuthOptions {
  readonly keys: ApiKeyCheck;
  readonly metrics: ServerMetrics;
  /** Paths open without a key (`/health`, for load balancers). */
  readonly exempt?: readonly string[] | undefined;
}

/**
 * Lets a request through only with one of the API keys as its bearer token, or as its `x-api-key` header
 * (the Anthropic SDK's; any request when no keys are configured); others get 401 `invalid_api_key` with `www-authenticate: Bearer`.
 *
 * @example
 * app.use("*", apiKeyAuth({ keys: createApiKeyCheck(["sk-local"]), metrics, exempt: ["/health"] }));
 */
export function apiKeyAuth(
  options: ApiKeyAuthOptions,
): MiddlewareHandler<{ Variables: { requestId: string } }> {
  const { keys, metrics } = options;
  const exempt = new Set(options.exempt ?? []);
  return async (context, next) => {
    if (exempt.has(context.req.path) || keys.accepts(requestCredential((name) => context.req.header(name)))) {
      await next();
      return;
    }
    metrics.rejected.inc({ reason: "unauthorized" });
    const error = new ApiError(
      401,
      "Missing or incorrect API key. Send it as Authorization: Bearer <key> (or x-api-key: <key>).",
      {
        type: "authentication_error",
        code: "invalid_api_key",
        headers: { "www-authenticate": "Bearer" },
      },
    );
    context.res = errorResponse(context, error);
  };
}
