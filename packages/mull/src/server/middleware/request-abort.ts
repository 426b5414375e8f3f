import type { MiddlewareHandler } from "hono";
import type { ServerMetrics } from "../telemetry/index.ts";
import type { ResponseEnd } from "./request-context.ts";

/** Cancellation of one request's work. */
export interface RequestAbort {
  /** Aborts every upstream call of the request. */
  readonly signal: AbortSignal;
  /** The client went away: counts it (once) and aborts the work. */
  clientGone(): void;
  /** True when the work was aborted and the client is gone. */
  byClient(): boolean;
  /** True when the work was aborted because the server cut it at the end of a shutdown, before any other abort. */
  byShutdown(): boolean;
}

/** What `requestAbort` gives a request. */
export interface RequestAbortVariables {
  abort: RequestAbort;
}

/** Options of `requestAbort`. */
export interface RequestAbortOptions {
  /** Aborts when the server cuts every request in flight. */
  readonly lifetime: AbortSignal;
  readonly metrics: ServerMetrics;
}

/**
 * Gives each request an abort signal that fires when its client disconnects or the server cuts the
 * requests in flight, so no upstream call outlives its request; it stops listening when the response
 * ends.
 *
 * @example
 * app.post(path, requestAbort({ lifetime: lifetime.signal, metrics }), async (context) => {
 *   await backend.generate(request, { signal: context.var.abort.signal });
 * });
 */
export function requestAbort(
  options: RequestAbortOptions,
): MiddlewareHandler<{ Variables: RequestAbortVariables & { responseEnd: ResponseEnd } }> {
  const { lifetime, metrics } = options;
  return async (context, next) => {
    const controller = new AbortController();
    const clientSignal = context.req.raw.signal;
    const clientGone = () => {
      if (controller.signal.aborted) return;
      metrics.clientDisconnects.inc();
      controller.abort(new DOMException("the client disconnected", "AbortError"));
    };
    const onShutdown = () => controller.abort(lifetime.reason);
    clientSignal.addEventListener("abort", clientGone, { once: true });
    lifetime.addEventListener("abort", onShutdown, { once: true });
    context.get("responseEnd").onEnd(() => {
      clientSignal.removeEventListener("abort", clientGone);
      lifetime.removeEventListener("abort", onShutdown);
    });
    context.set("abort", {
      signal: controller.signal,
      clientGone,
      byClient: () => controller.signal.aborted && clientSignal.aborted,
      // The work's abort reason tells who aborted it first: a client gone before the shutdown cut stays
      // a client disconnect.
      byShutdown: () =>
        controller.signal.aborted && lifetime.aborted && controller.signal.reason === lifetime.reason,
    });
    await next();
  };
}
