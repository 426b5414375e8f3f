import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4FinishReason,
  LanguageModelV4GenerateResult,
} from "@ai-sdk/provider";
import { requestStopStrings } from "../../backends/index.ts";
// The file, not the folder's index: the race is all this backend shares with the OpenAI-compatible one.
import { untilAborted } from "../../backends/openai-compatible/index.ts";
import { addUsage } from "../../budget/index.ts";
import { CapabilityError, ConfigError } from "../../errors/index.ts";
import type {
  Backend,
  BackendCapabilities,
  CallOptions,
  Completion,
  FinishReason,
  GenerationRequest,
  GenerationResult,
  Usage,
} from "../../spec/index.ts";

/** Options of `createAISDKBackend`. */
export interface AISDKBackendOptions {
  /**
   * Call options passed along to every `doGenerate` (headers, provider options, response format, …);
   * the prompt, sampling settings, seed and abort signal are the request's.
   */
  readonly callOptions?: Omit<LanguageModelV4CallOptions, "prompt"> | undefined;
}

/** What an AI SDK model can do for mull: chat text, one completion a call, no log-probabilities. */
const capabilities: BackendCapabilities = {
  n: false,
  logprobs: false,
  topLogprobs: false,
  maxTopLogprobs: undefined,
  promptLogprobs: false,
  score: false,
  seed: false,
  chat: true,
  completion: false,
  continuePrefix: false,
  grammar: false,
  topK: true,
  watchTokens: false,
};

function finishReason(reason: LanguageModelV4FinishReason): FinishReason {
  if (reason.unified === "stop" || reason.unified === "length") return reason.unified;
  return "unknown";
}

function usageOf(result: LanguageModelV4GenerateResult): Usage {
  const cached = result.usage.inputTokens.cacheRead;
  return {
    promptTokens: result.usage.inputTokens.total,
    completionTokens: result.usage.outputTokens.total,
    ...(cached === undefined ? {} : { cachedPromptTokens: cached }),
    calls: 1,
  };
}

function textOf(result: LanguageModelV4GenerateResult): string {
  return result.content.map((part) => (part.type === "text" ? part.text : "")).join("");
}

/** Refuses what an AI SDK model cannot do, naming it, before any call. */
function checkRequest(request: GenerationRequest, options: CallOptions | undefined, who: string): void {
  const missing =
    request.prompt.kind === "text"
      ? "completion"
      : request.prompt.continueFinalMessage === true
        ? "continuePrefix"
        : request.logprobs === true || request.topLogprobs !== undefined
          ? "logprobs"
          : request.grammar !== undefined
            ? "grammar"
            : options?.watch !== undefined
              ? "watchTokens"
              : undefined;
  if (missing !== undefined) throw new CapabilityError(missing, "this request", who);
  if (request.minP !== undefined && request.minP !== 0) {
    throw new ConfigError(
      `mull ai-sdk: minP: expected none (AI SDK models take no min-p), got ${request.minP}`,
      { field: "minP" },
    );
  }
  if (request.extraBody !== undefined) {
    throw new ConfigError(
      "mull ai-sdk: extraBody: expected none (pass providerOptions in the AI SDK call instead)",
      { field: "extraBody" },
    );
  }
}

/** A finished `doGenerate` call, and which of the request's completions it is. */
interface FinishedCall {
  readonly result: LanguageModelV4GenerateResult;
  readonly index: number;
}

/**
 * A request's result from its finished calls: their completions and usage, and a call for each of the
 * other `n - finished.length`, cut by an abort, whose tokens nobody can tell (an AI SDK model reports
 * usage only with a finished result), so that the sum counts them as unknown rather than as none.
 */
function generationResult(
  finished: readonly FinishedCall[],
  n: number,
  model: LanguageModelV4,
): GenerationResult {
  const cut: Usage = { promptTokens: undefined, completionTokens: undefined, calls: 1 };
  return {
    completions: finished.map(
      ({ result, index }): Completion => ({
        index,
        text: textOf(result),
        finishReason: finishReason(result.finishReason),
        completionTokens: result.usage.outputTokens.total,
      }),
    ),
    usage: addUsage(
      ...finished.map(({ result }) => usageOf(result)),
      ...Array.from({ length: n - finished.length }, () => cut),
    ),
    model: finished[0]?.result.response?.modelId ?? model.modelId,
  };
}

/**
 * Adapts an AI SDK language model (specification v4) into a mull `Backend`, so that mull's strategies
 * can sample it: each of a request's `n` completions is one `doGenerate` call, in parallel, with seed
 * `seed + index` when the request has a seed; temperature, topP, topK, maxTokens and stop (the request's
 * and its prompt's) map to the AI SDK's call options, and usage is summed over the calls. AI SDK models report no log-probabilities,
 * so the capabilities say so (`logprobs`, `score`: false) and strategies that need them fail with a
 * `CapabilityError` instead of degrading.
 *
 * When the call's signal aborts, `generate` stops waiting at once (a model that does not heed its abort
 * signal is not waited for), tells `CallOptions.onAborted` what the calls had done, and rejects with the
 * signal's reason: the completions of the calls that had finished, with their usage, and one call for each
 * that was cut, whose tokens are unknown (`undefined`), as an AI SDK model reports usage only with a
 * finished result. So a run cut by its budget or its caller keeps the samples that had finished.
 *
 * @throws CapabilityError (from `generate`) for a text prompt, a prefix continuation, log-probabilities,
 * a grammar or a token watcher; ConfigError for a min-p or an extra body.
 * @example
 * const backend = createAISDKBackend(openai("gpt-4o-mini"));
 * const result = await solve({ problem: "What is 17 * 23?", strategy: "sc@8", backend });
 */
export function createAISDKBackend(model: LanguageModelV4, options: AISDKBackendOptions = {}): Backend {
  const who = `the ai-sdk backend (model ${model.provider}:${model.modelId})`;
  const callOne = async (
    request: GenerationRequest,
    index: number,
    signal: AbortSignal | undefined,
  ): Promise<LanguageModelV4GenerateResult> => {
    if (request.prompt.kind !== "chat") throw new CapabilityError("completion", "this request", who);
    const { abortSignal, ...base } = options.callOptions ?? {};
    const stop = requestStopStrings(request);
    const signals = [abortSignal, signal].filter((item) => item !== undefined);
    return await model.doGenerate({
      ...base,
      prompt: request.prompt.messages.map((message, position) => {
        if (message.role === "system") return { role: "system", content: message.content };
        if (message.role === "tool" || message.toolCalls !== undefined) {
          throw new CapabilityError("tool calls", `prompt.messages[${position}]`, who);
        }
        return { role: message.role, content: [{ type: "text", text: message.content }] };
      }),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.topP === undefined ? {} : { topP: request.topP }),
      ...(request.topK === undefined ? {} : { topK: request.topK }),
      ...(request.maxTokens === undefined ? {} : { maxOutputTokens: request.maxTokens }),
      ...(stop.length === 0 ? {} : { stopSequences: [...stop] }),
      ...(request.seed === undefined ? {} : { seed: request.seed + index }),
      ...(signals.length === 0 ? {} : { abortSignal: AbortSignal.any(signals) }),
    });
  };
  return {
    describe: () => ({ kind: "ai-sdk", model: `${model.provider}:${model.modelId}` }),
    capabilities: async () => capabilities,
    async generate(request, callOptions): Promise<GenerationResult> {
      checkRequest(request, callOptions, who);
      const n = request.n ?? 1;
      const callSignal = callOptions?.signal;
      // Aborted before anything was sent: nothing to tell.
      callSignal?.throwIfAborted();
      // Siblings stop as soon as one fails: no call keeps running for a request that has failed.
      const siblings = new AbortController();
      const signal = AbortSignal.any([callSignal, siblings.signal].filter((item) => item !== undefined));
      // The calls that had finished, by index, for what an abort tells.
      const finished: (LanguageModelV4GenerateResult | undefined)[] = Array.from({ length: n });
      const calls = Array.from({ length: n }, (_, index) =>
        callOne(request, index, signal).then(
          (result) => {
            finished[index] = result;
            return result;
          },
          (error: unknown) => {
            siblings.abort(error);
            throw error;
          },
        ),
      );
      try {
        // Not waiting past the abort for a model that does not heed its signal: a call unfinished then is cut.
        const results = await untilAborted(Promise.all(calls), callSignal);
        return generationResult(
          results.map((result, index) => ({ result, index })),
          n,
          model,
        );
      } catch (error) {
        if (callSignal?.aborted !== true) throw error;
        const done = finished.flatMap((result, index) => (result === undefined ? [] : [{ result, index }]));
        callOptions?.onAborted?.(generationResult(done, n, model));
        throw callSignal.reason;
      }
    },
  };
}
