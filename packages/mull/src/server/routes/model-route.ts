import type { Handler } from "hono";
import { ApiError, errorResponse } from "../http/index.ts";
import type { ServerEnvironment } from "../middleware/index.ts";
import { isShownWhole, shownValue } from "../requests/index.ts";
import type { ModelCatalog } from "./model-catalog.ts";

/** Served models a 404 names before it says there are more. */
const namedModels = 10;

/** An id as a 404 names it: quoted where a message may repeat it (`isShownWhole`), else by its length. */
function shownId(id: string): string {
  return isShownWhole(id) ? `The model ${shownValue(id)}` : `The model in the path (${shownValue(id)})`;
}

/**
 * `GET /v1/models/{model}`, OpenAI's retrieve-model call (`client.models.retrieve(id)`): the catalog's
 * entry of that id, the very object `GET /v1/models` lists for it. Any id the list returns can be
 * retrieved (served models, the advertised strategy forms each can run, configured routes), and only
 * those: an id is matched exactly, case included, and may hold `/` (`Qwen/Qwen2.5-7B`, sent as is or
 * percent-encoded). Any other id gets 404 `model_not_found` on `param: "model"`, naming some served
 * models; the id is repeated only up to 16 characters, since a longer one may be a pasted key.
 *
 * @example
 * app.get("/v1/models/:model{.+}", modelRoute(catalog));
 * // GET /v1/models/sc@8:qwen2.5-7b → { id: "sc@8:qwen2.5-7b", object: "model", owned_by: "mull", parent: "qwen2.5-7b", … }
 */
export function modelRoute(catalog: ModelCatalog): Handler<ServerEnvironment> {
  return (context) => {
    const id = context.req.param("model") ?? "";
    const found = catalog.find(id);
    if (found !== undefined) return context.json(found);
    const served = catalog.served;
    const named =
      served.length === 0
        ? ""
        : `; this server serves ${served.slice(0, namedModels).join(", ")}${served.length > namedModels ? ", …" : ""}`;
    return errorResponse(
      context,
      new ApiError(404, `${shownId(id)} does not exist${named} (see GET /v1/models)`, {
        param: "model",
        code: "model_not_found",
      }),
    );
  };
}
