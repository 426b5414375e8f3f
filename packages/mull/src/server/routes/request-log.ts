import type { Logger } from "pino";
import type { Usage } from "../../spec/index.ts";
import { type ApiError, toApiError } from "../http/index.ts";
import type { RequestPlan } from "../requests/index.ts";

/** The log of one generation request: what it was planned as, and its line once it ends. */
export interface RequestLog {
  /** The request's own plan, once planned. */
  plan: RequestPlan | undefined;
  /** The plan being served: the request's own, or a fallback's. */
  attempted: RequestPlan | undefined;
  /**
   * What a request that failed once served was charged, once its work settled (`failureUsage`); its
   * error body reports it as `mull.usage` (`failureBody`).
   */
  charged: Usage | undefined;
  /** Writes the request's line: `info`, or `warn` from status 500 on; nothing below the logger's level. */
  line(status: number, extra?: Record<string, unknown>): void;
  /** Maps an error to what the client receives (`toApiError`), logging the cause of a 5xx. */
  failure(error: unknown): ApiError;
}

/** Options of `createRequestLog`. */
export interface RequestLogOptions {
  readonly logger: Logger;
  readonly requestId: string;
  /** The route pattern, e.g. `/v1/chat/completions`. */
  readonly route: string;
  /** `performance.now()` when the request arrived. */
  readonly startedAt: number;
}

/**
 * Creates the log of a generation request: one line when it ends, with its status, time, model,
 * upstream, strategy and samples, and the model that answered when a fallback did. Bodies, headers and
 * keys are never logged.
 *
 * @example
 * const log = createRequestLog({ logger, requestId, route: "/v1/chat/completions", startedAt });
 * log.plan = plan;
 * log.line(200);
 */
export function createRequestLog(options: RequestLogOptions): RequestLog {
  const { logger, requestId, route, startedAt } = options;
  const log: RequestLog = {
    plan: undefined,
    attempted: undefined,
    charged: undefined,
    line(status, extra = {}) {
      // Below the logger's level no line is built (a benchmark or a quiet server logs only failures).
      if (!logger.isLevelEnabled(status >= 500 ? "warn" : "info")) return;
      const { plan, attempted } = log;
      const line = {
        requestId,
        route,
        status,
        milliseconds: Math.round((performance.now() - startedAt) * 10) / 10,
        ...(plan === undefined
          ? {}
          : {
              model: plan.served.name,
              upstream: plan.served.upstream,
              strategy: plan.strategy?.name ?? "none",
              samples: plan.samples,
              ...(attempted === undefined || attempted.served === plan.served
                ? {}
                : { servedBy: attempted.served.name, servedByUpstream: attempted.served.upstream }),
            }),
        ...extra,
      };
      if (status >= 500) logger.warn(line, "request failed");
      else logger.info(line, "request");
    },
    failure(error) {
      const apiError = toApiError(error, {
        upstream: (log.attempted ?? log.plan)?.served.upstream,
        requestId,
      });
      if (apiError.status >= 500) {
        const cause = apiError.cause ?? error;
        logger.warn(
          {
            requestId,
            error: cause instanceof Error ? { name: cause.name, message: cause.message } : String(cause),
          },
          "request error",
        );
      }
      return apiError;
    },
  };
  return log;
}
