import { ProxyTracerProvider, type TracerProvider, trace } from "@opentelemetry/api";

/** How `flushTracerProvider` ended: spans handed to the exporter, nothing to flush, or not in time. */
export type TracerFlush = "flushed" | "nothing-to-flush" | "timed-out" | "failed";

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
 * or takes too long is told by what it resolves with.
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
    return await Promise.race([flushed, late]);
  } finally {
    // Cleared at once: a flush that is done leaves no timer keeping the process alive.
    clearTimeout(timer);
  }
}
