import { ConfigError } from "../../errors/index.ts";
import type { Strategy } from "../../spec/index.ts";
import {
  findStrategyEntry,
  parseStrategySpec,
  splitModelRoute,
  splitStrategyPrefix,
} from "../../strategies/index.ts";
import { ApiError } from "../http/index.ts";
import type { ServedModel } from "../upstreams/index.ts";
import type { ChatRequestBody } from "./request-schema.ts";
import { routeSize } from "./route-size.ts";
import { servedModelResolver } from "./served-model-resolver.ts";
import { withLongStringsHidden } from "./shown-value.ts";

const bareStrategy = /^[a-z][a-z-]*$/i;

/** The served models' names, the first ten. */
function servedNames(models: ReadonlyMap<string, ServedModel>): string {
  const names = [...models.keys()];
  return names.slice(0, 10).join(", ") + (names.length > 10 ? ", …" : "");
}

function notFound(models: ReadonlyMap<string, ServedModel>): ApiError {
  // The name is not echoed: clients have been known to paste a key into `model`.
  return new ApiError(
    404,
    `The model in the request does not exist; this server serves ${servedNames(models)} (see GET /v1/models)`,
    { param: "model", code: "model_not_found" },
  );
}

/**
 * The served model a request names, and its strategy prefix; a routing strategy's route of served models
 * (`cascade@8:lab-small>lab-large`) is served, for its prompt and limits, as its first (smallest) model.
 */
export function resolveModel(
  name: string,
  models: ReadonlyMap<string, ServedModel>,
): { served: ServedModel; prefix: string | undefined; route: string | undefined } {
  const exact = models.get(name);
  if (exact !== undefined) return { served: exact, prefix: undefined, route: undefined };
  const split = splitStrategyPrefix(name);
  if (split === undefined) throw notFound(models);
  const route = split.model.includes(">") ? split.model.split(">").map((part) => part.trim()) : undefined;
  if (route?.every((part) => models.has(part)) === false) throw notFound(models);
  const served = models.get(route?.[0] ?? split.model);
  if (served === undefined) throw notFound(models);
  return { served, prefix: split.strategy, route: route === undefined ? undefined : split.model };
}

/** A strategy spec a request names, and the field that named it (`model`, `mull.strategy`). */
export interface NamedStrategy {
  readonly spec: string;
  readonly param: string;
}

/**
 * The strategy spec a request names: its model's prefix, or `mull.strategy` (with `mull.n`). A `mull.n`
 * beside a spec that gives its own count (`sc@4`) must be that count: one that differs is refused (400 on
 * `mull.n`), never dropped.
 */
export function strategySpec(
  prefix: string | undefined,
  mull: ChatRequestBody["mull"],
): NamedStrategy | undefined {
  const given = mull?.strategy?.trim();
  if (prefix !== undefined && given !== undefined && given.toLowerCase() !== prefix.toLowerCase()) {
    throw new ApiError(
      400,
      withLongStringsHidden(
        `mull.strategy ${JSON.stringify(given)} contradicts the model prefix ${JSON.stringify(prefix)}; give the strategy once`,
      ),
      { param: "mull.strategy", code: "invalid_value" },
    );
  }
  if (prefix !== undefined) {
    if (mull?.n !== undefined && !prefix.toLowerCase().endsWith(`@${mull.n}`)) {
      const message = `mull.n ${mull.n} contradicts the model prefix ${JSON.stringify(prefix)}; give the count once`;
      throw new ApiError(400, withLongStringsHidden(message), { param: "mull.n", code: "invalid_value" });
    }
    return { spec: prefix, param: "model" };
  }
  if (given === undefined || given.toLowerCase() === "none") {
    if (mull?.n !== undefined) {
      throw new ApiError(400, "mull.n needs mull.strategy (e.g. sc)", {
        param: "mull.n",
        code: "invalid_value",
      });
    }
    return undefined;
  }
  if (bareStrategy.test(given) && given !== "greedy" && given !== "single") {
    return { spec: `${given}@${mull?.n ?? 8}`, param: "mull.strategy" };
  }
  if (mull?.n !== undefined && !given.toLowerCase().endsWith(`@${mull.n}`)) {
    const message = `mull.n ${mull.n} contradicts mull.strategy ${JSON.stringify(given)}; give the count once`;
    throw new ApiError(400, withLongStringsHidden(message), { param: "mull.n", code: "invalid_value" });
  }
  return { spec: given, param: "mull.strategy" };
}

/**
 * The refusal of a routing spec that names no models (`cascade@4:lab-large`, `mull.strategy: "cascade@4"`),
 * saying how a request names them: in the model field, after the spec, as many as its factory takes
 * (exactly two for `bild` and `glimp`, two or more for a cascade); `undefined` for any other spec.
 */
function unroutedRefusal(
  named: NamedStrategy,
  route: string | undefined,
  models: ReadonlyMap<string, ServedModel>,
): ApiError | undefined {
  const { spec, route: written } = splitModelRoute(named.spec);
  if (route !== undefined || written !== undefined) return undefined;
  const match = findStrategyEntry(spec);
  if (match?.values === undefined || !match.entry.needs.includes("models")) return undefined;
  const served =
    models.size < 2
      ? `this server serves only ${servedNames(models)}, so it has no route to run`
      : `this server serves ${servedNames(models)} (see GET /v1/models)`;
  const size = routeSize(match.entry, match.values, match.form);
  const message =
    `strategy ${JSON.stringify(spec)} routes between models; name ${size} served models in the model ` +
    `field after the spec, smallest first, separated by ">" (${spec}:small>large); ${served}`;
  return new ApiError(400, withLongStringsHidden(message, [spec]), {
    param: named.param,
    code: "invalid_strategy",
  });
}

/**
 * The strategy a request names, parsed with its served model's scorer and PRM and the served models as
 * routes (`cascade@8:lab-small>lab-large`).
 *
 * @throws ApiError 400 `invalid_strategy` on the field that named it, saying what the model lacks, what
 * the spec should look like, or, for a routing spec without models, how the model field names them
 * (`cascade@4:small>large`); there a spec or part of one over 16 characters is shown by its length only,
 * as a client may have pasted a key into the field (`withLongStringsHidden`).
 */
export function requestStrategy(
  named: NamedStrategy,
  route: string | undefined,
  served: ServedModel,
  models: ReadonlyMap<string, ServedModel>,
): Strategy {
  try {
    const unrouted = unroutedRefusal(named, route, models);
    if (unrouted !== undefined) throw unrouted;
    return parseStrategySpec(route === undefined ? named.spec : `${named.spec}:${route}`, {
      scorer: served.scorer,
      prm: served.prm,
      resolveModel: servedModelResolver(models),
    });
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    // A spec that gets as far as needing a scorer or a PRM parsed whole, so it is a spec, not a pasted key.
    const message =
      error.field === "scorer"
        ? `strategy "${named.spec}" needs an outcome scorer, and model "${served.name}" has none configured`
        : error.field === "prm"
          ? `strategy "${named.spec}" is a step-level search and needs a process reward model, and model "${served.name}" has none configured (upstreams[].prm)`
          : withLongStringsHidden(error.message.replace(/^strategy: /, ""), [named.spec]);
    throw new ApiError(400, message, { param: named.param, code: "invalid_strategy" });
  }
}
