import { AsyncLocalStorage } from "node:async_hooks";
import { optionalMethodsOf } from "../../runtime/index.ts";
import type { Backend } from "../../spec/index.ts";
import { type ServedModel, underServedName } from "../upstreams/index.ts";

/** The backends of the request whose work is running, by served model. */
type BackendOf = (served: ServedModel) => Backend;

const scope = new AsyncLocalStorage<BackendOf>();

/**
 * The backend a routing strategy holds for a served model of its route (`cascade@8:lab-small>lab-large`):
 * its calls, and its capabilities, go through the backend of that model that the running request made
 * (`withRouteModels`), else straight to the served model, named by its served name (`underServedName`).
 * Why the request's backends travel with its asynchronous work: the strategy is built, and holds its
 * route's backends, when the request is planned, before the request's meter, fan-out and sample counts
 * exist; yet every call it makes to any model of its route must be metered, counted and reported as
 * progress as its served model's are, and concurrent requests over one route must each see only their own.
 *
 * @example
 * const strategy = parseStrategySpec("cascade@8:lab-small>lab-large", { resolveModel: (name) => routeModelBackend(models.get(name)!) });
 * await withRouteModels((served) => backends.backendOf(served), () => solve({ ..., strategy }));
 */
export function routeModelBackend(served: ServedModel): Backend {
  const unscoped = underServedName(served);
  const current = () => scope.getStore()?.(served) ?? unscoped;
  return {
    describe: () => unscoped.describe(),
    capabilities: (options) => current().capabilities(options),
    generate: (request, options) => current().generate(request, options),
    ...optionalMethodsOf(unscoped),
  };
}

/**
 * Runs `work` so that the calls a route's backends (`routeModelBackend`) receive from it, and from every
 * call it starts (awaited continuations, queued calls), go to `backendOf(served)` of their served model.
 */
export function withRouteModels<T>(backendOf: BackendOf, work: () => T): T {
  return scope.run(backendOf, work);
}
