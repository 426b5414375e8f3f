import { context, propagation } from "@opentelemetry/api";

/**
 * `fetch` that sends the active trace context with each request (a W3C `traceparent` header, or whatever
 * the registered propagator writes), so that a server that traces continues the caller's trace under the
 * client span the request is made in. Headers the propagator writes replace those of the same name the
 * request had. Without a registered propagator it calls `fetch` with the request unchanged.
 *
 * @example
 * const traced = traceContextFetch(globalThis.fetch);
 * await traced("http://localhost:8000/v1/chat/completions", { method: "POST", body });
 */
export function traceContextFetch(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
  return (input, init) => {
    const carried: Record<string, string> = {};
    propagation.inject(context.active(), carried);
    if (Object.keys(carried).length === 0) return fetch(input, init);
    // A `Request` input keeps its own headers unless `init` gives some: start from them then.
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    for (const [name, value] of Object.entries(carried)) headers.set(name, value);
    return fetch(input, { ...init, headers });
  };
}
