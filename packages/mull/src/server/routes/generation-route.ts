import type { Handler } from "hono";
import type { ServerConfig } from "../config/index.ts";
import { ApiError, errorResponse } from "../http/index.ts";
import type { ServerEnvironment, TokenReservation } from "../middleware/index.ts";
import {
  chatRequestSchema,
  completionBody,
  completionRequestSchema,
  createLiveText,
  type EndpointKind,
  parseRequestBody,
  planRequest,
  type RequestOutcome,
  type ResponseIdentity,
  readJsonBody,
  serveRequest,
} from "../requests/index.ts";
import type { ServerMetrics } from "../telemetry/index.ts";
import type { ServedModel } from "../upstreams/index.ts";
import { streamGeneration } from "./generation-stream.ts";
import { createRequestLog } from "./request-log.ts";

/** Options of the generation routes (`chatCompletionsRoute`, `completionsRoute`). */
export interface GenerationRouteOptions {
  /** The served models by name. */
  readonly models: ReadonlyMap<string, ServedModel>;
  /** Its `limits` and the keep-alive interval of streams apply. */
  readonly config: ServerConfig;
  readonly metrics: ServerMetrics;
}

/** Settles the key's reservation with what the request used, and counts its tokens and samples. */
function account(
  metrics: ServerMetrics,
  upstream: string,
  outcome: RequestOutcome,
  reservation: TokenReservation | undefined,
): void {
  const { promptTokens, completionTokens } = outcome.usage;
  reservation?.settle(
    promptTokens === undefined || completionTokens === undefined
      ? undefined
      : promptTokens + completionTokens,
  );
  metrics.countUsage(upstream, outcome.usage);
  const samples = outcome.report?.samples;
  if (samples !== undefined) {
    metrics.samples.inc({ upstream, outcome: "ok" }, samples.succeeded);
    if (samples.failed > 0) metrics.samples.inc({ upstream, outcome: "failed" }, samples.failed);
  }
}

/**
 * The handler of a generation endpoint, after the drain guard, the in-flight limit, the request's abort
 * signal and the key budget: reads and checks the body, plans the request (refusing it before any
 * upstream call when it cannot be served), reserves its worst case against the key's budget, serves it
 * (along the fallback chain), and answers whole or streamed. A request whose client went away gets 499,
 * one cut by a shutdown 503.
 *
 * @example
 * app.post("/v1/chat/completions", generationRoute("chat", { models, config, metrics }));
 */
export function generationRoute(
  endpoint: EndpointKind,
  options: GenerationRouteOptions,
): Handler<ServerEnvironment> {
  const { models, metrics } = options;
  const { limits, server } = options.config;
  const schema = endpoint === "chat" ? chatRequestSchema : completionRequestSchema;
  return async (context) => {
    const { requestId, abort } = context.var;
    const log = createRequestLog({
      logger: context.var.logger,
      requestId,
      route: context.req.routePath,
      startedAt: context.var.startedAt,
    });
    try {
      const raw = await readJsonBody(context.req.raw, limits);
      const body = parseRequestBody(schema, raw);
      const plan = planRequest(endpoint, body, models, limits);
      log.plan = plan;
      const reservation = context.var.keyBudget?.reserve(plan.worstCaseTokens);
      const identity: ResponseIdentity = {
        id: `${endpoint === "chat" ? "chatcmpl" : "cmpl"}-${requestId.replaceAll("-", "")}`,
        created: Math.floor(Date.now() / 1000),
      };
      // A streamed pass-through of one completion relays the upstream's text as it arrives.
      const live =
        plan.stream && plan.strategy === undefined && plan.samples === 1 && !plan.logprobs
          ? createLiveText()
          : undefined;
      const work = serveRequest({
        endpoint,
        body,
        plan,
        models,
        limits,
        signal: abort.signal,
        live,
        onAttempt: (next) => {
          log.attempted = next;
        },
      }).then(({ outcome, plan: answered }) => {
        account(metrics, answered.served.upstream, outcome, reservation);
        return outcome;
      });
      if (!plan.stream) {
        const outcome = await work;
        log.line(200);
        return context.json(completionBody(plan, outcome, identity));
      }
      return await streamGeneration({
        plan,
        identity,
        work,
        live,
        keepAliveMilliseconds: server.keepAliveMilliseconds,
        abort,
        log,
        responseEnd: context.var.responseEnd,
        requestId,
      });
    } catch (error) {
      if (abort.byClient()) {
        log.line(499, { clientDisconnected: true });
        return new Response(null, { status: 499 });
      }
      const apiError = abort.byShutdown()
        ? new ApiError(503, "the server shut down before the request finished", {
            code: "server_shutting_down",
          })
        : log.failure(error);
      if (apiError.status < 500 && log.plan === undefined) metrics.rejected.inc({ reason: "invalid" });
      log.line(apiError.status, {
        code: apiError.code,
        ...(apiError.param === undefined ? {} : { param: apiError.param }),
      });
      return errorResponse(context, apiError);
    }
  };
}
