import type { Handler } from "hono";
import type { ServerEnvironment } from "../middleware/index.ts";
import { parseRequestBody } from "../requests/index.ts";
import { type GenerationRouteOptions, plannedRoute } from "../routes/planned-route.ts";
import { anthropicErrorOf } from "./anthropic-error.ts";
import { chatBodyOf, messagesClientFields } from "./chat-body-of.ts";
import { messageBody } from "./message-body.ts";
import { streamMessage } from "./message-stream.ts";
import { messagesFieldMessages, messagesRequestSchema } from "./messages-schema.ts";
import { refuseUnknownMessageFields } from "./refuse-unknown-message-fields.ts";

/**
 * `POST /v1/messages`, as Anthropic's: the body is checked against Anthropic's schema (a top-level field
 * the server does not take is refused, `refuseUnknownMessageFields`), mapped onto a chat
 * completions request (`chatBodyOf`) and planned, routed, budgeted and served exactly as one (a model prefix
 * such as `sc@5:` picks the strategy); the answer is an Anthropic message (`messageBody`) or its events
 * (`streamMessage`). A failed request's error is Anthropic's, with what it was charged as `usage` and
 * `mull.usage` when it was (`anthropicErrorOf`, as a stream's `error` event says it); errors from the
 * middleware in front are rewritten to Anthropic's shape by `anthropicErrors`; an error about a mapped
 * field names the field the client sent (`metadata.user_id`, not `user`). The `anthropic-version` header
 * is accepted and not read: the shapes are those of version 2023-06-01.
 *
 * @example
 * app.use("/v1/messages", anthropicErrors());
 * app.post("/v1/messages", drainGuard(…), inFlightLimit(…), requestAbort(…), keyBudgetLimit(…), messagesRoute({ models, config, metrics }));
 */
export function messagesRoute(options: GenerationRouteOptions): Handler<ServerEnvironment> {
  const { server } = options.config;
  return plannedRoute(options, {
    endpoint: "chat",
    failureBody: anthropicErrorOf,
    parse(raw) {
      const body = parseRequestBody(messagesRequestSchema, raw, messagesFieldMessages);
      refuseUnknownMessageFields(raw);
      return { body: chatBodyOf(body), clientFields: messagesClientFields(body) };
    },
    async answer({ plan, work, live, progress, log }, _parsed, context) {
      const { requestId, abort } = context.var;
      const id = `msg_${requestId.replaceAll("-", "")}`;
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
    },
  });
}
