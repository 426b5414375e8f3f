import type { Handler } from "hono";
import { ApiError, errorResponse } from "../http/index.ts";
import type { ServerEnvironment } from "../middleware/index.ts";
import { type ModelRoutes, type RoutePull, routeModel } from "../model-routes/index.ts";
import {
  createLiveText,
  createProgressFeed,
  parseRequestBody,
  planRequest,
  readJsonBody,
  serveRequest,
} from "../requests/index.ts";
import { account, failPull, type GenerationRouteOptions, settlePull } from "../routes/generation-route.ts";
import { createRequestLog } from "../routes/request-log.ts";
import { chatBodyOf } from "./chat-body-of.ts";
import { messageBody } from "./message-body.ts";
import { streamMessage } from "./message-stream.ts";
import { messagesFieldMessages, messagesRequestSchema } from "./messages-schema.ts";

/**
 * `POST /v1/messages`, as Anthropic's: the body is checked against Anthropic's schema, mapped onto a chat
 * completions request (`chatBodyOf`) and planned, routed, budgeted and served exactly as one (a model prefix
 * such as `sc@5:` picks the strategy); the answer is an Anthropic message (`messageBody`) or its events
 * (`streamMessage`). Errors are sent in OpenAI's shape here and rewritten to Anthropic's by
 * `anthropicErrors` in front of the route. The `anthropic-version` header is accepted and not read: the
 * shapes are those of version 2023-06-01.
 *
 * @example
 * app.use("/v1/messages", anthropicErrors());
 * app.post("/v1/messages", drainGuard(…), inFlightLimit(…), requestAbort(…), keyBudgetLimit(…), messagesRoute({ models, config, metrics }));
 */
export function messagesRoute(options: GenerationRouteOptions): Handler<ServerEnvironment> {
  const { models, metrics } = options;
  const routes: ModelRoutes = options.routes ?? { bandits: new Map(), strategies: new Map() };
  const { limits, server } = options.config;
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
      const asked = chatBodyOf(parseRequestBody(messagesRequestSchema, raw, messagesFieldMessages));
      const routed = routeModel(asked.model, routes);
      pull = routed.pull;
      const body = routed.model === asked.model ? asked : { ...asked, model: routed.model };
      const plan = { ...planRequest("chat", body, models, limits), requestedModel: asked.model };
      log.plan = plan;
      const reservation = await context.var.keyBudget?.reserve(plan.worstCaseTokens);
      const id = `msg_${requestId.replaceAll("-", "")}`;
      const live =
        plan.stream && plan.strategy === undefined && plan.samples === 1 ? createLiveText() : undefined;
      // A streamed strategy request reports each finished sample while it works, in its pings.
      const progress =
        plan.stream && plan.strategy !== undefined
          ? createProgressFeed(plan.samples, plan.answerFormat)
          : undefined;
      const work = serveRequest({
        endpoint: "chat",
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
        return context.json(messageBody(plan, outcome, id));
      }
      return await streamMessage({
        plan,
        id,
        work,
        live,
        progress,
        keepAliveMilliseconds: server.keepAliveMilliseconds,
        abort,
        log,
        responseEnd: context.var.responseEnd,
        requestId,
      });
    } catch (error) {
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
