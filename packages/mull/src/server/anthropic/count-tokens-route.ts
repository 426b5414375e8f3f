import type { Handler } from "hono";
import { ApiError, errorResponse } from "../http/index.ts";
import type { ServerEnvironment } from "../middleware/index.ts";

/**
 * `POST /v1/messages/count_tokens`, which this server does not offer: it has no tokenizer for its
 * upstreams' models (an OpenAI-compatible upstream exposes none), so it answers 404 `not_found`, which
 * `anthropicErrors` in front of it sends in Anthropic's shape (`not_found_error`), and says where a count
 * can be had instead.
 *
 * @example
 * app.use("/v1/messages/*", anthropicErrors());
 * app.all("/v1/messages/count_tokens", countTokensRoute);
 */
export const countTokensRoute: Handler<ServerEnvironment> = (context) =>
  errorResponse(
    context,
    new ApiError(
      404,
      `${context.req.method} /v1/messages/count_tokens is not supported: this server has no tokenizer for its upstream models; a /v1/messages response counts its prompt in usage.input_tokens`,
      { code: "not_found" },
    ),
  );
