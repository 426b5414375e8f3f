import { AsyncLocalStorage } from "node:async_hooks";

/** Marks the asynchronous work whose upstream calls no circuit records (`outsideCircuits`). */
const scope = new AsyncLocalStorage<true>();

/**
 * Runs `work` so that the upstream HTTP calls it makes, and every call made by what it starts (retries,
 * awaited continuations), are observed as usual (metrics) but recorded in no upstream's circuit
 * (`observedFetch`): calls nobody asked for, such as the start-up capability probe, whose failures while the
 * upstream is still coming up say nothing a client request would meet, and must not leave the first client
 * requests refused for a cooldown. The circuit still refuses them while it is open.
 *
 * @example
 * await outsideCircuits(() => model.backend.capabilities({ signal }));
 */
export function outsideCircuits<T>(work: () => T): T {
  return scope.run(true, work);
}

/** Whether the running code was started by `outsideCircuits`, so its upstream calls stay out of circuits. */
export function isOutsideCircuits(): boolean {
  return scope.getStore() === true;
}
