import { ApiError } from "../http/index.ts";

/**
 * The fields of a client's request that a front end mapped onto other fields of the chat request it
 * serves, by the chat field: `{ user: "metadata.user_id" }` on `/v1/messages`, `{ tools: "functions" }`
 * for OpenAI's deprecated function calling. An error about a mapped field then names the field the client
 * sent.
 */
export type ClientFields = Readonly<Record<string, string>>;

/** The client's name for `param` (a field, or a path under it such as `tools[2]`), if it was mapped. */
function clientParam(param: string, fields: ClientFields): { served: string; sent: string } | undefined {
  for (const [served, sent] of Object.entries(fields)) {
    if (param === served) return { served, sent };
    if (param.startsWith(`${served}[`) || param.startsWith(`${served}.`)) {
      return { served, sent: `${sent}${param.slice(served.length)}` };
    }
  }
  return undefined;
}

/**
 * An error in the client's own terms: when its `param` is a field the front end mapped (`ClientFields`),
 * the param names the field the client sent, and so does the message where it began with the mapped
 * field's name; any other message says which field of the client's it applies to. Any
 * other error is returned as it is.
 *
 * @example
 * inClientFields(new ApiError(400, "user is passed to OpenAI-compatible upstreams only", { param: "user" }), { user: "metadata.user_id" });
 * // ApiError 400 "metadata.user_id is passed to OpenAI-compatible upstreams only", param metadata.user_id
 */
export function inClientFields(error: ApiError, fields: ClientFields | undefined): ApiError {
  if (fields === undefined || error.param === undefined) return error;
  const mapped = clientParam(error.param, fields);
  if (mapped === undefined) return error;
  const named = error.message.startsWith(error.param) && !/\w/.test(error.message.charAt(error.param.length));
  const message = named
    ? `${mapped.sent}${error.message.slice(error.param.length)}`
    : `${error.message} (this applies to ${mapped.sent}, which the server reads as ${mapped.served})`;
  return new ApiError(error.status, message, {
    type: error.type,
    param: mapped.sent,
    code: error.code,
    headers: error.headers,
    cause: error.cause,
  });
}
