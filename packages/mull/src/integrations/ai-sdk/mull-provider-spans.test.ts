import { SpanKind } from "@opentelemetry/api";
import { generateText } from "ai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOpenAICompatibleBackend } from "../../backends/openai-compatible/index.ts";
import { labProfile } from "../../lab/index.ts";
import {
  type InMemorySpans,
  parentIdOf,
  registerInMemorySpans,
} from "../../telemetry/in-memory-spans.test-support.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { createMullProvider } from "./mull-provider.ts";

describe("OpenTelemetry spans of createMullProvider", () => {
  let registered: InMemorySpans;
  let server: FakeOpenAIServer | undefined;
  beforeEach(() => {
    registered = registerInMemorySpans();
  });
  afterEach(async () => {
    registered.restore();
    await server?.close();
    server = undefined;
  });

  it("traces the capability probe a profile's prompt waits for under mull.solve, in the run's one trace", async () => {
    server = await startFakeOpenAIServer({
      handler: (request) => ({
        choices: Array.from({ length: request.n }, () => "40+2=42\n#### 42"),
        usage: { promptTokens: 7, completionTokens: 5 },
      }),
    });
    const backend = createOpenAICompatibleBackend({ baseUrl: server.url, model: "lab-v2-large" });
    try {
      const mull = createMullProvider({ backend, profile: labProfile() });
      const result = await generateText({ model: mull("sc@2"), prompt: "40+2=?", maxRetries: 0 });
      expect(result.providerMetadata?.mull).toMatchObject({ answer: "42", samples: 2 });
    } finally {
      await backend.dispose();
    }
    const spans = registered.spans();
    const solveSpan = spans.find((span) => span.name === "mull.solve sc@2");
    const probe = spans.find((span) => span.attributes["mull.probe"] === true);
    const generations = spans.filter(
      (span) => span.kind === SpanKind.CLIENT && span.attributes["mull.probe"] === undefined,
    );
    expect(solveSpan).toBeDefined();
    expect(probe?.name).toBe("chat lab-v2-large");
    expect(generations.length).toBeGreaterThan(0);
    expect(parentIdOf(solveSpan!)).toBeUndefined();
    for (const span of [probe!, ...generations]) {
      expect(parentIdOf(span)).toBe(solveSpan!.spanContext().spanId);
    }
    expect(new Set(spans.map((span) => span.spanContext().traceId)).size).toBe(1);
  });
});
