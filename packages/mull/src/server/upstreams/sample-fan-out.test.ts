import { describe, expect, it } from "vitest";
import { BackendCallError } from "../../errors/index.ts";
import { solve } from "../../solve.ts";
import type { Backend, GenerationResult, Usage } from "../../spec/index.ts";
import { parseStrategySpec } from "../../strategies/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import { ApiError } from "../http/api-error.ts";
import { createUsageMeter } from "../requests/usage-meter.ts";
import { failureUsage } from "../routes/used-before-failure.ts";
import { createSampleFanOut } from "./sample-fan-out.ts";

const prompt = { kind: "text" as const, text: "q" };

/** A backend whose calls `fails` picks fail with `error(callIndex)`; the others answer "#### 7". */
function failing(fails: (callIndex: number) => boolean, error: (callIndex: number) => Error) {
  return createScriptedBackend({
    responses: ["#### 7"],
    onCall: (_request, callIndex) => {
      if (fails(callIndex)) throw error(callIndex);
    },
  });
}

/**
 * A backend whose samples of seeds `finishes` picks answer "#### 7" at once (5 prompt tokens, 3 written);
 * the others write 2 tokens and wait: cut by their signal, they tell what they had written (their prompt
 * unknown, as a stream cut before its usage chunk) and reject with the abort's reason.
 */
function abortable(finishes: (seed: number) => boolean): Backend {
  const scripted = createScriptedBackend({ responses: ["#### 7"] });
  return {
    describe: () => ({ kind: "abortable", model: "m" }),
    capabilities: () => scripted.capabilities(),
    async generate(request, options) {
      if (finishes(request.seed ?? 0)) {
        return {
          completions: [{ index: 0, text: "#### 7", finishReason: "stop", completionTokens: 3 }],
          usage: { promptTokens: 5, completionTokens: 3, calls: 1 },
          model: "m",
        };
      }
      const signal = options?.signal;
      if (signal === undefined) throw new Error("a sample that never finishes needs a signal");
      await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
      options?.onAborted?.({
        completions: [{ index: 0, text: "#### ", finishReason: "abort", completionTokens: 2 }],
        usage: { promptTokens: undefined, completionTokens: 2, calls: 1 },
        model: "m",
      });
      throw signal.reason;
    },
  };
}

/** Calls `generate`, aborts `controller` once every sample has started, and returns what the call ended in. */
async function abortedCall(
  generate: () => Promise<GenerationResult>,
  controller: AbortController,
): Promise<unknown> {
  const pending = generate().catch((thrown: unknown) => thrown);
  controller.abort(new Error("the client went away"));
  return pending;
}

const cut = (callIndex: number) =>
  new BackendCallError(
    `POST http://10.0.0.1:8000/v1/chat/completions: the stream was cut (call ${callIndex})`,
    {
      isRetryable: true,
    },
  );

describe("createSampleFanOut", () => {
  it("passes a token watcher to each single call, which hears its sample's index", async () => {
    const upstream = createScriptedBackend({ responses: ["a b c", "d e f", "g h i"] });
    const fanOut = createSampleFanOut(upstream);
    const heard: string[] = [];
    const result = await fanOut.backend.generate(
      { prompt: { kind: "text", text: "q" }, n: 3, seed: 1 },
      {
        watch: (index, token) => {
          heard.push(`${index}${token.token.trim()}`);
          return index === 1 && token.token.trim() === "e" ? "stop" : "continue";
        },
      },
    );
    expect(upstream.calls.map((call) => call.request.n)).toEqual([1, 1, 1]);
    expect(result.completions.map((completion) => completion.text)).toEqual(["a b c", "d e", "g h i"]);
    expect(result.completions[1]?.finishReason).toBe("cut");
    expect([...heard].sort()).toEqual(["0a", "0b", "0c", "1d", "1e", "2g", "2h", "2i"]);
  });

  it("answers a call whose every sample was lost with the quorum error, 0 of n, the first failure its cause", async () => {
    const fanOut = createSampleFanOut(failing(() => true, cut));
    const error = await fanOut.backend.generate({ prompt, n: 4 }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError.status).toBe(502);
    expect(apiError.code).toBe("samples_below_quorum");
    expect(apiError.message).toMatch(
      /^only 0 of 4 samples succeeded, below the quorum; first failure: POST \(upstream\) the stream was cut \(call \d\)$/,
    );
    expect(BackendCallError.isInstance(apiError.cause)).toBe(true);
    expect(fanOut.counts()).toMatchObject({ requested: 4, succeeded: 0, failed: 4 });
  });

  it("passes on a refusal of the request itself, which every sample met, as it is", async () => {
    const refusal = new BackendCallError("POST x failed with status 400: context length exceeded", {
      status: 400,
      isRetryable: false,
    });
    const fanOut = createSampleFanOut(
      failing(
        () => true,
        () => refusal,
      ),
    );
    await expect(fanOut.backend.generate({ prompt, n: 3 })).rejects.toBe(refusal);
  });

  it("stops the strategy on the samples of earlier calls when every sample of a later call was lost", async () => {
    const fanOut = createSampleFanOut(failing((callIndex) => callIndex >= 2, cut));
    const first = await fanOut.backend.generate({ prompt, n: 2 });
    expect(first.completions).toHaveLength(2);
    expect(fanOut.samplesLost.aborted).toBe(false);
    const error = await fanOut.backend.generate({ prompt, n: 2 }).catch((thrown: unknown) => thrown);
    // The strategy's call sees its signal aborted and comes back empty; the request's quorum then decides.
    expect(fanOut.samplesLost.aborted).toBe(true);
    expect(BackendCallError.isInstance(error)).toBe(true);
    expect(fanOut.counts()).toMatchObject({ requested: 4, succeeded: 2, failed: 2, firstError: error });
  });

  it("stops the strategy on a call's other samples when one of them was lost", async () => {
    const fanOut = createSampleFanOut(failing((callIndex) => callIndex === 1, cut));
    const result = await fanOut.backend.generate({ prompt, n: 3 });
    expect(result.completions.map((completion) => completion.index)).toEqual([0, 1]);
    expect(fanOut.samplesLost.aborted).toBe(true);
    expect(fanOut.counts()).toMatchObject({ requested: 3, succeeded: 2, failed: 1 });
  });

  it("charges what a lost sample's stream had generated, its unknown prompt as a finished sample's", async () => {
    const broken = (callIndex: number) =>
      new BackendCallError(`the stream broke after 4 chunks (call ${callIndex})`, {
        isRetryable: true,
        usage: { promptTokens: undefined, completionTokens: 4, calls: 1 },
      });
    const whole = await createSampleFanOut(failing(() => false, cut)).backend.generate({ prompt, n: 1 });
    const fanOut = createSampleFanOut(failing((callIndex) => callIndex === 1, broken));
    const result = await fanOut.backend.generate({ prompt, n: 3 });
    expect(result.completions).toHaveLength(2);
    expect(fanOut.counts()).toMatchObject({ succeeded: 2, failed: 1 });
    const prompted = whole.usage.promptTokens ?? 0;
    const generated = whole.usage.completionTokens ?? 0;
    expect(prompted).toBeGreaterThan(0);
    expect(result.usage).toEqual({
      promptTokens: 3 * prompted,
      completionTokens: 2 * generated + 4,
      calls: 3,
    });
  });

  it("charges the quorum error of a call whose every sample was lost what their streams had generated", async () => {
    const broken = (callIndex: number) =>
      new BackendCallError(`the stream broke (call ${callIndex})`, {
        isRetryable: true,
        usage: { promptTokens: 5, completionTokens: callIndex + 1, calls: 1 },
      });
    const error = await createSampleFanOut(failing(() => true, broken))
      .backend.generate({ prompt, n: 3 })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).usage).toEqual({ promptTokens: 15, completionTokens: 1 + 2 + 3, calls: 3 });
  });

  it("tells its caller once what a later call's lost samples had generated, as it stops the strategy", async () => {
    const broken = (callIndex: number) =>
      new BackendCallError(`the stream broke (call ${callIndex})`, {
        isRetryable: true,
        usage: { promptTokens: 5, completionTokens: callIndex + 1, calls: 1 },
      });
    const fanOut = createSampleFanOut(failing((callIndex) => callIndex >= 2, broken));
    await fanOut.backend.generate({ prompt, n: 2 });
    const told: GenerationResult[] = [];
    const error = await fanOut.backend
      .generate({ prompt, n: 2 }, { onAborted: (partial) => told.push(partial) })
      .catch((thrown: unknown) => thrown);
    expect(BackendCallError.isInstance(error)).toBe(true);
    expect(fanOut.samplesLost.aborted).toBe(true);
    // Calls 2 and 3 broke after 3 and 4 tokens: told once, for both, with nothing to return.
    expect(told).toHaveLength(1);
    expect(told[0]?.usage).toEqual({ promptTokens: 10, completionTokens: 3 + 4, calls: 2 });
    expect(told[0]?.completions).toEqual([]);
  });

  it("charges a run that goes on after losing a whole call's samples what the upstream reported for them", async () => {
    const upstream = createScriptedBackend({ responses: ["a b c #### 7", "a b c #### 8"] });
    const reported: Usage[] = [];
    let callCount = 0;
    const breaking: Backend = {
      ...upstream,
      async generate(request, options) {
        callCount += 1;
        // The second window's samples (calls 3 and on) break after 10 tokens.
        if (callCount >= 3) {
          const usage = { promptTokens: 6, completionTokens: 10, calls: 1 };
          reported.push(usage);
          throw new BackendCallError(`the stream broke (call ${callCount})`, { isRetryable: true, usage });
        }
        const result = await upstream.generate(request, options);
        reported.push(result.usage);
        return result;
      },
    };
    const fanOut = createSampleFanOut(breaking);
    const result = await solve({
      problem: { question: "3+4?" },
      strategy: parseStrategySpec("esc@6w2"),
      backend: fanOut.backend,
      signal: fanOut.samplesLost,
      budget: { maxTotalTokens: 100_000 },
    });
    expect(fanOut.counts()).toMatchObject({ succeeded: 2 });
    expect(fanOut.counts().failed).toBeGreaterThan(0);
    expect(result.candidates).toHaveLength(2);
    const sum = (count: (usage: Usage) => number | undefined) =>
      reported.reduce((total, usage) => total + (count(usage) ?? 0), 0);
    expect(result.usage).toEqual({
      promptTokens: sum((usage) => usage.promptTokens),
      completionTokens: sum((usage) => usage.completionTokens),
      calls: reported.length,
    });
  });

  it("charges a call cut by its caller what its aborted samples told, beside its finished ones", async () => {
    const controller = new AbortController();
    // Samples of even seeds finish at once; the others write 2 tokens, then the caller aborts.
    const fanOut = createSampleFanOut(abortable((seed) => seed % 2 === 0));
    const told: GenerationResult[] = [];
    const result = (await abortedCall(
      () =>
        fanOut.backend.generate(
          { prompt, n: 4, seed: 0 },
          { signal: controller.signal, onAborted: (partial) => told.push(partial) },
        ),
      controller,
    )) as GenerationResult;
    expect(result.completions.map((completion) => completion.text)).toEqual(["#### 7", "#### 7"]);
    // The aborted samples' prompts are taken as the finished ones'; the caller is not told apart.
    expect(result.usage).toEqual({ promptTokens: 4 * 5, completionTokens: 2 * 3 + 2 * 2, calls: 4 });
    expect(told).toEqual([]);
    expect(fanOut.counts()).toMatchObject({ requested: 4, succeeded: 2 });
  });

  it("tells the caller once what every aborted sample had used, when none finished", async () => {
    const controller = new AbortController();
    const fanOut = createSampleFanOut(abortable(() => false));
    const told: GenerationResult[] = [];
    const error = await abortedCall(
      () =>
        fanOut.backend.generate(
          { prompt, n: 3, seed: 0 },
          { signal: controller.signal, onAborted: (partial) => told.push(partial) },
        ),
      controller,
    );
    expect(error).toBe(controller.signal.reason);
    expect(told).toHaveLength(1);
    expect(told[0]?.usage).toEqual({ promptTokens: undefined, completionTokens: 3 * 2, calls: 3 });
    expect(told[0]?.completions.map((completion) => [completion.index, completion.finishReason])).toEqual([
      [0, "abort"],
      [1, "abort"],
      [2, "abort"],
    ]);
  });

  it("is charged once, never twice, where a usage meter below it saw the same aborted samples", async () => {
    const controller = new AbortController();
    const meter = createUsageMeter();
    const fanOut = createSampleFanOut(
      meter.watch(
        abortable(() => false),
        undefined,
      ),
    );
    let told: GenerationResult | undefined;
    const error = await abortedCall(
      () =>
        fanOut.backend.generate(
          { prompt, n: 3, seed: 0 },
          {
            signal: controller.signal,
            onAborted: (partial) => {
              told = partial;
            },
          },
        ),
      controller,
    );
    expect(meter.usage()).toEqual({ promptTokens: undefined, completionTokens: 6, calls: 3 });
    expect(told?.usage).toEqual(meter.usage());
    // The request's charge is the larger of what its error and its meter tell, not their sum.
    expect(failureUsage(error, meter.usage())).toEqual({
      promptTokens: undefined,
      completionTokens: 6,
      calls: 3,
    });
  });

  it("has no native n, even over a backend that has one: each sample is its own call", async () => {
    const upstream = createScriptedBackend({ responses: ["#### 7"], capabilities: { n: true } });
    expect((await upstream.capabilities()).n).toBe(true);
    const fanOut = createSampleFanOut(upstream);
    expect((await fanOut.backend.capabilities()).n).toBe(false);
    await fanOut.backend.generate({ prompt, n: 2 });
    expect(upstream.calls.map((call) => call.request.n ?? 1)).toEqual([1, 1]);
  });

  it("forwards the backend's countTokens (and score) where it has them, and leaves them absent where not", async () => {
    const upstream = createScriptedBackend({ responses: ["#### 7"] });
    const counted = createSampleFanOut({
      ...upstream,
      countTokens: async (counting) => (counting.kind === "text" ? counting.text.length + 1 : 0),
    });
    expect(await counted.backend.countTokens?.(prompt)).toBe(2);
    expect(counted.backend.score).toBeDefined();
    const { countTokens: _, score: __, ...bare } = upstream;
    const uncounted = createSampleFanOut(bare);
    expect("countTokens" in uncounted.backend).toBe(false);
    expect("score" in uncounted.backend).toBe(false);
  });
});
