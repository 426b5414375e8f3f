import { ProxyTracerProvider, type TracerProvider, trace } from "@opentelemetry/api";

/** How `flushTracerProvider` ended: spans handed to the exporter, nothing to flush, or not in time. */
export type TracerFlush = "flushed" | "nothing-to-flush" | "timed-out" | "failed";

/**
 * The flushes `flushTracerProvider` stopped waiting for that have not ended yet. Module state, as the
 * registered provider is: the code that gave up on a flush (`mull serve` as it stops) is not the code that
 * ends the process, which asks `tracerFlushUnfinished` after it.
 */
const unfinishedFlushes = new Set<Promise<unknown>>();

/** The registered provider: the API hands out a proxy whose delegate is the SDK's provider. */
function registeredProvider(): TracerProvider {
  const provider = trace.getTracerProvider();
  return provider instanceof ProxyTracerProvider ? provider.getDelegate() : provider;
}

/**
 * Flushes the registered tracer provider (`forceFlush()`, as the OpenTelemetry SDK's providers have),
 * waiting at most `timeoutMilliseconds`, so that the spans a batching processor still holds (NodeSDK's
 * `BatchSpanProcessor` exports every 5 seconds) are exported before the process exits. Without a
 * registered provider, or with one that cannot flush, it does nothing. It never rejects: a flush that fails
 * or takes too long is told by what it resolves with; one that took too long goes on, and
 * `tracerFlushUnfinished` says whether it still does.
 *
 * @example
 * await server.shutdown(30_000);
 * if ((await flushTracerProvider(5_000)) === "timed-out") console.error("some spans were not exported");
 */
export async function flushTracerProvider(timeoutMilliseconds: number): Promise<TracerFlush> {
  const provider = registeredProvider() as TracerProvider & { forceFlush?: unknown };
  if (typeof provider.forceFlush !== "function") return "nothing-to-flush";
  const flushed = Promise.resolve()
    .then(() => (provider.forceFlush as () => unknown).call(provider))
    .then(
      () => "flushed" as const,
      () => "failed" as const,
    );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"timed-out">((resolve) => {
    timer = setTimeout(() => resolve("timed-out"), timeoutMilliseconds);
  });
  try {
    const outcome = await Promise.race([flushed, late]);
    if (outcome === "timed-out") {
      unfinishedFlushes.add(flushed);
      void flushed.finally(() => unfinishedFlushes.delete(flushed));
    }
    return outcome;
  } finally {
    // Cleared at once: a flush that is done leaves no timer keeping the process alive.
    clearTimeout(timer);
  }
}

/**
 * Whether a flush that `flushTracerProvider` stopped waiting for (it resolved `"timed-out"`) is still
 * running. Its exporter may then hold a request open, as an OTLP exporter does for 10 seconds with a
 * collector that does not answer, and that request keeps the process alive until it ends.
 *
 * @example
 * await flushTracerProvider(5_000);
 * if (tracerFlushUnfinished()) process.exit(0); // rather than wait for the exporter
 */
export function tracerFlushUnfinished(): boolean {
  return unfinishedFlushes.size > 0;
}
