import { describe, expect, it } from "vitest";
import { BackendCallError } from "../../errors/index.ts";
import type { Backend, GenerationRequest, GenerationResult, Prompt } from "../../spec/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import { failedUpstream } from "../http/failed-upstream.ts";
import { ApiError } from "../http/index.ts";
import type { ServedModel } from "../upstreams/index.ts";
import { createRequestBackends } from "./request-backends.ts";
import type { RequestPlan } from "./request-plan.ts";
import { routeModelBackend, withRouteModels } from "./route-model-scope.ts";
import { createUsageMeter } from "./usage-meter.ts";

const prompt: Prompt = { kind: "text", text: "Q: 12+7-3=? A:" };
const request: GenerationRequest = { prompt, n: 2 };

/** A backend whose every single-sample call answers `16` with `usage`, or fails as `fail` says. */
function upstream(usage: GenerationResult["usage"], fail?: () => Error): Backend & { calls: number } {
  const scripted = createScriptedBackend({ responses: ["unused"] });
  const backend = {
    calls: 0,
    describe: () => ({ kind: "upstream", model: "/models/model.gguf" }),
    capabilities: () => scripted.capabilities(),
    generate: async (): Promise<GenerationResult> => {
      backend.calls += 1;
      if (fail !== undefined) throw fail();
      return {
        completions: [{ index: 0, text: "#### 16", finishReason: "stop", completionTokens: 4 }],
        usage,
        model: "/models/model.gguf",
      };
    },
  };
  return backend;
}

function served(
  name: string,
  backend: Backend,
  kind: ServedModel["kind"] = "openai-compatible",
): ServedModel {
  return { name, upstream: `${name}-http`, backend, kind } as unknown as ServedModel;
}

/** The plan of a request served by `model`, its prompt counted at 7 tokens when `counted`. */
function planOf(model: ServedModel, counted: boolean): RequestPlan {
  return { served: model, prompt, estimatedPromptTokens: 7, promptTokensCounted: counted } as RequestPlan;
}

const lost = () => new BackendCallError("the stream broke", { isRetryable: true });

describe("createRequestBackends", () => {
  it("makes one backend per model, metered, counted and heard, named by the served name", async () => {
    const small = served("lab-v2-small", upstream({ promptTokens: 10, completionTokens: 4, calls: 1 }));
    const large = served(
      "lab-v2-large",
      upstream({ promptTokens: 12, completionTokens: 4, calls: 1 }),
      "embedded",
    );
    const meter = createUsageMeter();
    const heard: string[] = [];
    const backends = createRequestBackends({
      plan: planOf(small, false),
      meter,
      onSample: (completion) => heard.push(completion.text),
    });
    expect(backends.backendOf(small)).toBe(backends.backendOf(small));
    expect(backends.backendOf(large).describe().model).toBe("lab-v2-large");
    const fromSmall = await backends.backendOf(small).generate(request);
    await backends.backendOf(large).generate({ ...request, n: 1 });
    expect(fromSmall.model).toBe("lab-v2-small");
    // The small model's HTTP upstream drew its two samples one call each; the large one's call drew one.
    expect(small.backend).toMatchObject({ calls: 2 });
    expect(heard).toHaveLength(3);
    expect(meter.usage()).toEqual({ promptTokens: 32, completionTokens: 12, calls: 3 });
    expect(backends.counts()).toEqual({ requested: 3, succeeded: 3, failed: 0, firstError: undefined });
    expect(backends.fannedOutCounts()).toMatchObject({ requested: 2, succeeded: 2 });
  });

  it("tells a run's prompt tokens from every model's calls, the counted prompt only for its own model", async () => {
    const small = served(
      "lab-v2-small",
      upstream({ promptTokens: undefined, completionTokens: 4, calls: 1 }),
    );
    const large = served("lab-v2-large", upstream({ promptTokens: 12, completionTokens: 4, calls: 1 }));
    const backends = createRequestBackends({
      plan: planOf(small, true),
      meter: undefined,
      onSample: undefined,
    });
    await backends.backendOf(small).generate(request);
    await backends.backendOf(large).generate({ ...request, n: 1 });
    const untold = { promptTokens: undefined, completionTokens: 12, calls: 3 };
    // Two small calls read the counted 7 tokens each; the large one reported its own 12.
    expect(backends.usageOf(untold)).toEqual({ ...untold, promptTokens: 2 * 7 + 12 });
    // A run that counted other calls than these is left as it is.
    expect(backends.usageOf({ ...untold, calls: 4 })).toEqual({ ...untold, calls: 4 });
  });

  it("marks a model's failures with its upstream, and reports a later model's lost call by its own failure", async () => {
    const small = served("lab-v2-small", upstream({ promptTokens: 10, completionTokens: 4, calls: 1 }));
    const large = served("lab-v2-large", upstream({ promptTokens: 12, completionTokens: 4, calls: 1 }, lost));
    // With no sample before it, a model whose every sample is lost misses the quorum.
    const first = createRequestBackends({
      plan: planOf(large, false),
      meter: undefined,
      onSample: undefined,
    });
    const missed = await first
      .backendOf(large)
      .generate(request)
      .catch((error: unknown) => error);
    expect(missed).toBeInstanceOf(ApiError);
    expect((missed as ApiError).code).toBe("samples_below_quorum");
    expect(failedUpstream(missed)).toBe("lab-v2-large-http");
    // After the small model's samples, the large one's failure is its own, and names its upstream.
    const routed = createRequestBackends({
      plan: planOf(small, false),
      meter: undefined,
      onSample: undefined,
    });
    await routed.backendOf(small).generate(request);
    const failed = await routed
      .backendOf(large)
      .generate(request)
      .catch((error: unknown) => error);
    expect(BackendCallError.isInstance(failed)).toBe(true);
    expect(failedUpstream(failed)).toBe("lab-v2-large-http");
    expect(routed.samplesLost.aborted).toBe(false);
    expect(routed.counts()).toMatchObject({ requested: 4, succeeded: 2, failed: 2 });
  });
});

describe("routeModelBackend", () => {
  it("calls each request's own backend of the model inside its work, and the served model outside", async () => {
    const model = served("lab-v2-large", upstream({ promptTokens: 12, completionTokens: 4, calls: 1 }));
    const route = routeModelBackend(model);
    expect(route.describe().model).toBe("lab-v2-large");
    expect((await route.generate(request)).model).toBe("lab-v2-large");
    const requests = [createUsageMeter(), createUsageMeter()].map((meter) => {
      const backends = createRequestBackends({ plan: planOf(model, false), meter, onSample: undefined });
      return { meter, backends };
    });
    // Two requests at once over one route: each meters only its own calls.
    await Promise.all(
      requests.map(({ backends }, index) =>
        withRouteModels(backends.backendOf, async () => {
          await new Promise((resolve) => setTimeout(resolve, 5 - index));
          await route.generate({ ...request, n: index + 1 });
        }),
      ),
    );
    expect(requests.map(({ meter }) => meter.usage()?.calls)).toEqual([1, 2]);
    expect(requests.map(({ backends }) => backends.counts()?.succeeded)).toEqual([1, 2]);
  });
});
