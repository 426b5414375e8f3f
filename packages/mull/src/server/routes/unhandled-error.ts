import type { ErrorHandler } from "hono";
import type { Logger } from "pino";
import { errorResponse, toApiError } from "../http/index.ts";
import type { ServerEnvironment } from "../middleware/index.ts";

/**
 * Answers an error no handler caught (`toApiError`: a 500 quotes only the request id), logging a 5xx.
 *
 * @example
 * app.onError(unhandledError(logger));
 */
export function unhandledError(logger: Logger): ErrorHandler<ServerEnvironment> {
  return (error, context) => {
    const apiError = toApiError(error, { requestId: context.get("requestId") });
    if (apiError.status >= 500)
      logger.error({ requestId: context.get("requestId"), error: String(error) }, "unhandled error");
    return errorResponse(context, apiError);
  };
}
