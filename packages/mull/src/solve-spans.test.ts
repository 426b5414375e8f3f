import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOpenAICompatibleBackend } from "./backends/openai-compatible/index.ts";
import { ConfigError } from "./errors/index.ts";
import { manualClock } from "./runtime/index.ts";
import { llmJudgeScorer, programmaticScorer } from "./scoring/index.ts";
import { solve } from "./solve.ts";
import type { Backend, Usage } from "./spec/index.ts";
import {
  type InMemorySpans,
  parentIdOf,
  registerInMemorySpans,
  traceparentOf,
} from "./telemetry/in-memory-spans.test-support.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "./testing/fake-openai-server.ts";
import { createScriptedBackend } from "./testing/scripted-backend.ts";

const responses = ["4+4=8\n#### 8", "4+4=9\n#### 9", "4+4=8\n#### 8", "4 plus 4 is 8\n#### 8"];

function sumOf(values: readonly unknown[]): number {
  return values.reduce<number>((sum, value) => sum + (value as number), 0);
}

describe("OpenTelemetry spans of solve", () => {
  let registered: InMemorySpans;
  beforeEach(() => {
    registered = registerInMemorySpans();
  });
  afterEach(() => {
    registered.restore();
  });

  it("records one solve span, and a child span per generation whose token counts sum to the run's usage", async () => {
    const backend = createScriptedBackend({ responses, model: "lab-tiny" });
    const result = await solve({
      problem: "What is 4+4?",
      strategy: "sc@4",
      backend,
      seed: 3,
      sampling: { temperature: 0.7, topP: 0.9, maxTokens: 64 },
    });
    expect(result.answer).toBe("8");
    const spans = registered.spans();
    const solveSpans = spans.filter((span) => span.name.startsWith("mull.solve"));
    expect(solveSpans).toHaveLength(1);
    const solveSpan = solveSpans[0]!;
    expect(solveSpan.name).toBe("mull.solve sc@4");
    expect(solveSpan.instrumentationScope.name).toBe("mull");
    expect(solveSpan.attributes).toMatchObject({
      "mull.strategy": "sc@4",
      "mull.stopped_by": "complete",
      "mull.partial": false,
      "mull.samples": 4,
      "mull.candidates": 4,
      "mull.calls": result.usage.calls,
      "gen_ai.usage.input_tokens": result.usage.promptTokens,
      "gen_ai.usage.output_tokens": result.usage.completionTokens,
    });
    expect(solveSpan.status.code).toBe(SpanStatusCode.UNSET);

    const generations = spans.filter((span) => span.name.startsWith("chat "));
    expect(generations.length).toBeGreaterThan(0);
    expect(sumOf(generations.map((span) => span.attributes["mull.n"]))).toBe(4);
    expect(
      generations.flatMap((span) => span.attributes["gen_ai.response.finish_reasons"] as string[]),
    ).toEqual(["stop", "stop", "stop", "stop"]);
    for (const span of generations) {
      expect(span.name).toBe("chat lab-tiny");
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(parentIdOf(span)).toBe(solveSpan.spanContext().spanId);
      expect(span.spanContext().traceId).toBe(solveSpan.spanContext().traceId);
      expect(span.attributes).toMatchObject({
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "scripted",
        "gen_ai.request.model": "lab-tiny",
        "gen_ai.response.model": "lab-tiny",
        "gen_ai.request.temperature": 0.7,
        "gen_ai.request.top_p": 0.9,
        "gen_ai.request.max_tokens": 64,
      });
    }
    const input = generations.map((span) => span.attributes["gen_ai.usage.input_tokens"]);
    const output = generations.map((span) => span.attributes["gen_ai.usage.output_tokens"]);
    expect(result.usage.completionTokens).toBeGreaterThan(0);
    expect(sumOf(input)).toBe(result.usage.promptTokens);
    expect(sumOf(output)).toBe(result.usage.completionTokens);
  });

  it("never records prompt or completion text", async () => {
    const backend = createScriptedBackend({ responses });
    await solve({ problem: "What is 4+4?", strategy: "sc@4", backend });
    const recorded = JSON.stringify(
      registered.spans().map((span) => [span.name, span.attributes, span.events]),
    );
    expect(recorded).not.toContain("4+4");
    expect(recorded).not.toContain("####");
  });

  it("records a score call as a child span of the solve span", async () => {
    const backend = createScriptedBackend({ responses });
    const scorer = programmaticScorer({
      name: "checker",
      check: (_problem, solution) => solution.answer === "8",
    });
    await solve({ problem: "What is 4+4?", strategy: "bon@4", backend, scorer });
    const spans = registered.spans();
    const solveSpan = spans.find((span) => span.name === "mull.solve bon@4")!;
    const scores = spans.filter((span) => span.name.startsWith("mull.score"));
    expect(scores.length).toBeGreaterThan(0);
    expect(scores[0]!.attributes).toMatchObject({ "mull.solutions": 4, "mull.score_calls": 0 });
    expect(scores.every((span) => parentIdOf(span) === solveSpan.spanContext().spanId)).toBe(true);
  });

  it("counts a judge's backend calls and tokens on the score spans", async () => {
    const backend = createScriptedBackend({ responses });
    const judged: Usage[] = [];
    const scripted = createScriptedBackend({
      model: "judge-model",
      respond: (request) => {
        const shown = request.prompt.kind === "chat" ? (request.prompt.messages.at(-1)?.content ?? "") : "";
        return shown.includes("#### 8") ? "Every step holds.\nScore: 9/10" : "Wrong sum.\nScore: 1/10";
      },
    });
    const judge: Backend = {
      describe: () => scripted.describe(),
      capabilities: () => scripted.capabilities(),
      generate: async (request, options) => {
        const result = await scripted.generate(request, options);
        judged.push(result.usage);
        return result;
      },
    };
    const result = await solve({
      problem: "What is 4+4?",
      strategy: "bon@4",
      backend,
      scorer: llmJudgeScorer({ backend: judge }),
    });
    expect(result.answer).toBe("8");
    const scores = registered.spans().filter((span) => span.name.startsWith("mull.score "));
    expect(scores.length).toBeGreaterThan(0);
    expect(judged).toHaveLength(4);
    const attribute = (name: string) => sumOf(scores.map((span) => span.attributes[name] ?? 0));
    expect(scores.map((span) => span.name)).toEqual(scores.map(() => "mull.score judge:judge-model"));
    expect(scores.map((span) => span.attributes["mull.scorer"])).toEqual(
      scores.map(() => "judge:judge-model"),
    );
    expect(attribute("mull.solutions")).toBe(4);
    expect(attribute("mull.score_calls")).toBe(4);
    const input = sumOf(judged.map((usage) => usage.promptTokens));
    const output = sumOf(judged.map((usage) => usage.completionTokens));
    expect(input).toBeGreaterThan(0);
    expect(output).toBeGreaterThan(0);
    expect(attribute("gen_ai.usage.input_tokens")).toBe(input);
    expect(attribute("gen_ai.usage.output_tokens")).toBe(output);
  });

  it("names the provider of an OpenAI-compatible backend openai, after the GenAI conventions", async () => {
    const scripted = createScriptedBackend({ responses, model: "qwen2.5-7b" });
    const backend: Backend = {
      describe: () => ({ kind: "openai-compatible", model: "qwen2.5-7b" }),
      capabilities: () => scripted.capabilities(),
      generate: (request, options) => scripted.generate(request, options),
    };
    await solve({ problem: "What is 4+4?", strategy: "greedy", backend });
    const generations = registered.spans().filter((span) => span.name === "chat qwen2.5-7b");
    expect(generations).toHaveLength(1);
    expect(generations[0]!.attributes).toMatchObject({
      "gen_ai.provider.name": "openai",
      "mull.backend": "openai-compatible",
    });
  });

  it("marks the solve span and the generation span as errors when the backend fails", async () => {
    const scripted = createScriptedBackend({ responses });
    const backend: Backend = {
      describe: () => scripted.describe(),
      capabilities: () => scripted.capabilities(),
      generate: () => Promise.reject(new Error("upstream exploded")),
    };
    await expect(solve({ problem: "What is 4+4?", strategy: "sc@4", backend })).rejects.toThrow(
      "upstream exploded",
    );
    const spans = registered.spans();
    const solveSpan = spans.find((span) => span.name === "mull.solve sc@4")!;
    expect(solveSpan.status).toEqual({ code: SpanStatusCode.ERROR, message: "upstream exploded" });
    expect(solveSpan.events.map((event) => event.name)).toContain("exception");
    const generation = spans.find(
      (span) => span.name.startsWith("text_completion ") || span.name.startsWith("chat "),
    )!;
    expect(generation.status.code).toBe(SpanStatusCode.ERROR);
    expect(parentIdOf(generation)).toBe(solveSpan.spanContext().spanId);
  });
});

describe("OpenTelemetry spans of solve: configuration, model names, and an HTTP backend", () => {
  let registered: InMemorySpans;
  beforeEach(() => {
    registered = registerInMemorySpans({ propagate: true });
  });
  afterEach(() => {
    registered.restore();
  });

  it("records a run its configuration refuses as a failed solve span, named as the strategy was given", async () => {
    const backend = createScriptedBackend({ responses });
    const refused = solve({ problem: "What is 4+4?", strategy: "bild@0.7x0.1", backend });
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
    const message = await refused.catch((error: Error) => error.message);
    const spans = registered.spans();
    expect(spans.map((span) => span.name)).toEqual(["mull.solve bild@0.7x0.1"]);
    expect(spans[0]!.status).toEqual({ code: SpanStatusCode.ERROR, message });
    expect(spans[0]!.attributes["error.type"]).toBe("ConfigError");
    const exception = spans[0]!.events.find((event) => event.name === "exception");
    expect(exception?.attributes?.["exception.type"]).toBe("ConfigError");
    await expect(solve({ problem: "", strategy: "sc@4", backend })).rejects.toBeInstanceOf(ConfigError);
    expect(registered.spans()[1]!.name).toBe("mull.solve sc@4");
    expect(registered.spans()[1]!.status.code).toBe(SpanStatusCode.ERROR);
  });

  it("names an AI SDK model without its provider prefix, as the response names it", async () => {
    const scripted = createScriptedBackend({ responses, model: "lab-v2-large" });
    const backend: Backend = {
      describe: () => ({ kind: "ai-sdk", model: "lab.chat:lab-v2-large" }),
      capabilities: () => scripted.capabilities(),
      generate: (request, options) => scripted.generate(request, options),
    };
    await solve({ problem: "What is 4+4?", strategy: "greedy", backend });
    const generation = registered.spans().find((span) => span.kind === SpanKind.CLIENT)!;
    expect(generation.name).toBe("chat lab-v2-large");
    expect(generation.attributes["gen_ai.request.model"]).toBe("lab-v2-large");
    expect(generation.attributes["gen_ai.response.model"]).toBe("lab-v2-large");
  });

  describe("on an OpenAI-compatible backend", () => {
    let server: FakeOpenAIServer | undefined;
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });

    it("traces the capability probe as a client span marked mull.probe, and sends each request's span upstream", async () => {
      server = await startFakeOpenAIServer({
        handler: (request) => ({
          choices: Array.from({ length: request.n }, () => "4+4=8\n#### 8"),
          usage: { promptTokens: 7, completionTokens: 5 },
        }),
      });
      const backend = createOpenAICompatibleBackend({ baseUrl: server.url, model: "qwen2.5-7b" });
      try {
        await solve({ problem: "What is 4+4?", strategy: "sc@2", backend, seed: 1 });
      } finally {
        await backend.dispose();
      }
      const spans = registered.spans();
      const solveSpan = spans.find((span) => span.name === "mull.solve sc@2")!;
      const clients = spans.filter((span) => span.kind === SpanKind.CLIENT);
      const probes = clients.filter((span) => span.attributes["mull.probe"] === true);
      const generations = clients.filter((span) => span.attributes["mull.probe"] === undefined);
      expect(probes).toHaveLength(1);
      expect(generations.length).toBeGreaterThan(0);
      expect(probes[0]!.name).toBe("chat qwen2.5-7b");
      expect(probes[0]!.attributes).toMatchObject({
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.max_tokens": 1,
        "gen_ai.usage.input_tokens": 7,
      });
      for (const span of clients) expect(parentIdOf(span)).toBe(solveSpan.spanContext().spanId);
      // Each completion request names its client span as its parent: the probe's, then the generations'.
      const sent = server.requests
        .filter((request) => request.endpoint === "chat")
        .map((request) => request.headers.traceparent);
      expect(sent[0]).toBe(traceparentOf(probes[0]!));
      expect(new Set(sent.slice(1))).toEqual(new Set(generations.map(traceparentOf)));
    });

    it("records a probe that cannot reach the server as a failed child of the failed solve span", async () => {
      const refusing: typeof fetch = () => Promise.reject(new TypeError("fetch failed: ECONNREFUSED"));
      const backend = createOpenAICompatibleBackend({
        baseUrl: "http://127.0.0.1:9/v1",
        model: "nope",
        fetch: refusing,
        maxRetries: 0,
      });
      try {
        await expect(solve({ problem: "What is 4+4?", strategy: "sc@2", backend })).rejects.toThrow(
          "probing capabilities",
        );
      } finally {
        await backend.dispose();
      }
      const spans = registered.spans();
      const solveSpan = spans.find((span) => span.name === "mull.solve sc@2")!;
      const probe = spans.find((span) => span.attributes["mull.probe"] === true)!;
      expect(solveSpan.status.code).toBe(SpanStatusCode.ERROR);
      expect(probe.status.code).toBe(SpanStatusCode.ERROR);
      expect(probe.status.message).toContain("ECONNREFUSED");
      expect(parentIdOf(probe)).toBe(solveSpan.spanContext().spanId);
    });
  });
});

describe("OpenTelemetry without a registered provider", () => {
  it("records nothing and returns the same result", async () => {
    const run = () =>
      solve({
        problem: "What is 4+4?",
        strategy: "sc@4",
        backend: createScriptedBackend({ responses }),
        seed: 5,
        clock: manualClock(),
      });
    const without = await run();
    const registered = registerInMemorySpans();
    let traced: Awaited<ReturnType<typeof run>>;
    try {
      traced = await run();
    } finally {
      registered.restore();
    }
    expect(registered.spans().length).toBeGreaterThan(0);
    const after = registerInMemorySpans();
    after.restore();
    const untraced = await run();
    expect(after.spans()).toHaveLength(0);
    expect(untraced).toEqual(without);
    expect(traced).toEqual(without);
  });
});
