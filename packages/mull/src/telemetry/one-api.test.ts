import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

describe("the OpenTelemetry API mull records spans through", () => {
  it("is the one the OpenTelemetry SDK registers providers with, so no span is lost to a second copy", () => {
    // The API keeps its global provider per copy: a tracer provider registered through the SDK's copy is
    // invisible to mull's if npm installed mull its own (a dependency rather than a peer would).
    const fromMull = createRequire(import.meta.url).resolve("@opentelemetry/api");
    const sdk = createRequire(import.meta.url).resolve("@opentelemetry/sdk-trace-base");
    const fromSdk = createRequire(sdk).resolve("@opentelemetry/api");
    expect(fromMull).toBe(fromSdk);
  });
});
