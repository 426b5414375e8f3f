import type { Handler } from "hono";
import type { ServerConfig } from "../config/index.ts";
import { ApiError, errorResponse } from "../http/index.ts";
import type { ServerEnvironment, TokenReservation } from "../middleware/index.ts";
import { type ModelRoutes, type RoutePull, routeModel } from "../model-routes/index.ts";
import {
  chatRequestSchema,
  completionBody,
  completionRequestSchema,
  createLiveText,
  createProgressFeed,
  type EndpointKind,
  legacyFunctionBody,
  legacyFunctions,
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
  /** The configured routes (`routes`): bandits over pools and strategy routes. */
  readonly routes?: ModelRoutes | undefined;
}

/**
 * Settles the key's reservation with what the request used (before the answer goes out, so the next
 * request, on any replica, sees the tokens given back), and counts its tokens and samples.
 */
export async function account(
  metrics: ServerMetrics,
  upstream: string,
  outcome: RequestOutcome,
  reservation: TokenReservation | undefined,
): Promise<void> {
  const { promptTokens, completionTokens } = outcome.usage;
  await reservation?.settle(
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

/** Teaches the bandit that chose the model what the request earned, and counts where the reward came from. */
export async function settlePull(
  metrics: ServerMetrics,
  pull: RoutePull | undefined,
  plan: Parameters<RoutePull["settle"]>[0],
  outcome: RequestOutcome,
): Promise<void> {
  if (pull === undefined) return;
  const { source } = await pull.settle(plan, outcome);
  metrics.routeOutcomes.inc({ route: pull.route.name, model: pull.model, source });
}

/** A request that failed after a bandit chose its model: an upstream failure earns 0, anything else is no outcome. */
export function failPull(
  metrics: ServerMetrics,
  pull: RoutePull | undefined,
  error: unknown,
  signal: AbortSignal,
) {
  if (pull === undefined) return;
  const status = error instanceof ApiError ? error.status : 500;
  if (signal.aborted || status < 500) {
    pull.release();
    return;
  }
  pull.fail();
  metrics.routeOutcomes.inc({ route: pull.route.name, model: pull.model, source: "failure" });
}

/**
 * The handler of a generation endpoint, after the drain guard, the in-flight limit, the request's abort
 * signal and the key budget: reads and checks the body, resolves a configured route (a bandit chooses the
 * model of a pool, and learns from the answer's reward and cost), plans the request (refusing it before any
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
  const routes: ModelRoutes = options.routes ?? { bandits: new Map(), strategies: new Map() };
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
    let pull: RoutePull | undefined;
    try {
      const raw = await readJsonBody(context.req.raw, limits);
      // Older clients' `functions` / `function_call` are served as tools, and answered in their shape.
      const mapped = endpoint === "chat" ? legacyFunctions(raw) : { body: raw, legacy: false };
      const asked = parseRequestBody(schema, mapped.body);
      const routed = routeModel(asked.model, routes);
      pull = routed.pull;
      const body = routed.model === asked.model ? asked : { ...asked, model: routed.model };
      const plan = { ...planRequest(endpoint, body, models, limits), requestedModel: asked.model };
      log.plan = plan;
      const reservation = await context.var.keyBudget?.reserve(plan.worstCaseTokens);
      const identity: ResponseIdentity = {
        id: `${endpoint === "chat" ? "chatcmpl" : "cmpl"}-${requestId.replaceAll("-", "")}`,
        created: Math.floor(Date.now() / 1000),
      };
      // A streamed pass-through of one completion relays the upstream's text as it arrives.
      const live =
        plan.stream && plan.strategy === undefined && plan.samples === 1 && !plan.logprobs
          ? createLiveText()
          : undefined;
      // A streamed strategy request reports each finished sample while it works.
      const progress =
        plan.stream && plan.strategy !== undefined
          ? createProgressFeed(plan.samples, plan.answerFormat)
          : undefined;
      const work = serveRequest({
        endpoint,
        body,
        plan,
        models,
        limits,
        signal: abort.signal,
        live,
        progress,
        onAttempt: (next) => {
          log.attempted = next;
        },
      }).then(
        async ({ outcome, plan: answered }) => {
          await account(metrics, answered.served.upstream, outcome, reservation);
          await settlePull(metrics, pull, answered, outcome);
          // A routed request names the model that answered, as a fallback does.
          return pull === undefined || outcome.servedBy !== undefined
            ? outcome
            : { ...outcome, servedBy: answered.served.name };
        },
        (error: unknown) => {
          failPull(metrics, pull, error, abort.signal);
          throw error;
        },
      );
      if (!plan.stream) {
        const outcome = await work;
        log.line(200);
        const answer = completionBody(plan, outcome, identity);
        return context.json(mapped.legacy ? legacyFunctionBody(answer) : answer);
      }
      return await streamGeneration({
        plan,
        identity,
        work,
        live,
        progress,
        legacyFunctions: mapped.legacy,
        keepAliveMilliseconds: server.keepAliveMilliseconds,
        abort,
        log,
        responseEnd: context.var.responseEnd,
        requestId,
      });
    } catch (error) {
      // A request refused before it was served teaches the bandit nothing (a no-op once settled).
      pull?.release();
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
