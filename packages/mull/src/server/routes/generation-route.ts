import type { Handler } from "hono";
import type { ServerEnvironment } from "../middleware/index.ts";
import {
  chatRequestSchema,
  completionBody,
  completionRequestSchema,
  type EndpointKind,
  legacyFunctionBody,
  legacyFunctions,
  parseRequestBody,
  type ResponseIdentity,
  unknownFieldsOf,
} from "../requests/index.ts";
import { streamGeneration } from "./generation-stream.ts";
import { type GenerationRouteOptions, plannedRoute } from "./planned-route.ts";

export type { GenerationRouteOptions } from "./planned-route.ts";

/**
 * The handler of an OpenAI generation endpoint (`/v1/chat/completions`, `/v1/completions`) on the shared
 * request plan (`plannedRoute`): the body is checked against OpenAI's schema (older clients' `functions` /
 * `function_call` are served as tools, and answered in their shape; fields the schema does not model are
 * kept apart, `unknownFieldsOf`, for an OpenAI-compatible upstream), and the answer is a completion body
 * or its chunks (`streamGeneration`).
 *
 * @example
 * app.post("/v1/chat/completions", generationRoute("chat", { models, config, metrics }));
 */
export function generationRoute(
  endpoint: EndpointKind,
  options: GenerationRouteOptions,
): Handler<ServerEnvironment> {
  const schema = endpoint === "chat" ? chatRequestSchema : completionRequestSchema;
  const { server } = options.config;
  return plannedRoute(options, {
    endpoint,
    parse(raw) {
      const mapped =
        endpoint === "chat" ? legacyFunctions(raw) : { body: raw, legacy: false, clientFields: undefined };
      const body = parseRequestBody(schema, mapped.body);
      const unknownFields = unknownFieldsOf(mapped.body, schema);
      return {
        body: unknownFields === undefined ? body : { ...body, unknownFields },
        legacy: mapped.legacy,
        clientFields: mapped.clientFields,
      };
    },
    async answer({ plan, work, live, progress, log }, parsed, context) {
      const { requestId, abort } = context.var;
      const identity: ResponseIdentity = {
        id: `${endpoint === "chat" ? "chatcmpl" : "cmpl"}-${requestId.replaceAll("-", "")}`,
        created: Math.floor(Date.now() / 1000),
      };
      if (!plan.stream) {
        const outcome = await work;
        log.line(200);
        const answer = completionBody(plan, outcome, identity);
        return context.json(parsed.legacy ? legacyFunctionBody(answer) : answer);
      }
      return await streamGeneration({
        plan,
        identity,
        work,
        live,
        progress,
        legacyFunctions: parsed.legacy,
        keepAliveMilliseconds: server.keepAliveMilliseconds,
        abort,
        log,
        responseEnd: context.var.responseEnd,
        requestId,
      });
    },
  });
}
