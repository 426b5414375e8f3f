import { ConfigError, DisposedError, MullError } from "mull/errors";
import type {
  Backend,
  BackendCapabilities,
  BackendDescription,
  CallOptions,
  EngineRates,
  GenerationRequest,
  GenerationResult,
  Prompt,
  ScoreRequest,
  ScoreResult,
} from "mull/spec";
import type { LlamaContext } from "node-llama-cpp";
import { generateCompletions } from "./generate-completions.ts";
import {
  type LlamaCppBackendOptions,
  type LlamaCppBackendSettings,
  parseLlamaCppBackendOptions,
} from "./llama-cpp-backend-options.ts";
import { createLlamaCppEngine, type LlamaCppEngine } from "./llama-cpp-engine.ts";
import { type LoadedLlamaModel, loadLlamaModel } from "./load-llama-model.ts";
import { measureEngineRates } from "./measure-engine-rates.ts";
import { pickEngine } from "./pick-engine.ts";
import { scoreContinuation } from "./score-continuation.ts";
import { loadSpeculation, type Speculation } from "./speculation.ts";
import type { SpeculationStats } from "./speculation-stats.ts";

/**
 * The embedded llama.cpp backend (node-llama-cpp). Besides the `Backend` contract it always has `score` and
 * `dispose`; every method but `describe` and `dispose` throws `DisposedError` once disposed.
 *
 * Sampling: temperature (default 1; 0 is greedy), top-k, top-p and min-p (default off), a seed per request
 * (completion `i` of `n` is seeded from the request's seed and `i` alone, so batching and queueing never change
 * the random numbers it draws; they can still move its logits in their last bits, since llama.cpp rounds a
 * token decoded alone in a micro-batch differently from one decoded with others, and with them a sampled token
 * wherever two tokens are nearly tied, so that the same seed can sample another completion on another backend
 * or under another load: only `sequences: 1` repeats bit for bit), no repetition penalty.
 *
 * Log-probabilities (`generate` with `logprobs`/`topLogprobs`, and `score`) are those of the **raw model
 * distribution** — temperature 1, no top-k, top-p or min-p, no grammar mask — not of the sampler, whatever the
 * request's sampling settings. They are read while generating when the sampler's distribution is the raw one
 * (greedy, or temperature 1 without truncation or grammar) or can be turned back into it (any other pure
 * temperature T, without truncation or grammar, on a vocabulary of at most 4,096 tokens: log p = T·log p_T −
 * logsumexp T·log p_T over the whole tempered distribution), and otherwise computed by teacher forcing the
 * kept tokens after sampling; either way a generated token's logprob equals what `score` gives for the same
 * continuation (to float precision, and to about 1e-2 in the far tails of the top alternatives, where a
 * batched forward pass rounds differently). `tokens` covers the returned text: no end-of-sequence token, and a matched
 * stop string's tokens only as far as they reach into the text.
 *
 * Usage: `promptTokens` counts the prompt once per completion that ran; `cachedPromptTokens` those of them not
 * evaluated (kept from an earlier call on the same sequence or copied from a sibling); `completionTokens`
 * counts every sampled token, a matched stop string's included, the end-of-sequence token not; `calls` is 1.
 *
 * Token watchers (`CallOptions.watch`, capability `watchTokens`): each kept token is handed to the watcher with
 * its raw logprob (and top alternatives when asked) as it is generated, never teacher forced afterwards; at
 * `stop` that completion ends there with finish reason `cut`, `completionTokens` counting the tokens generated
 * up to and including it. A request whose sampler keeps logprobs from being read live (top-k, top-p, min-p,
 * a grammar, or a vocabulary too large for the whole distribution) is refused with a `ConfigError` naming
 * the setting.
 *
 * Speculative decoding (`speculative` option): greedy completions are decoded with a draft model or prompt
 * lookup predicting tokens ahead, their texts and logprobs unchanged; `speculation()` counts the predicted
 * tokens checked and accepted. Sampled completions decode without it.
 *
 * Abort: a signal already aborted makes `generate` reject with the signal's reason; an abort during `generate`
 * resolves it with what was generated so far, completions cut short having finishReason `abort` (and no
 * `tokens`); `score` rejects with the signal's reason. Sequences go back to the pool either way.
 */
export interface LlamaCppBackend extends Backend {
  /**
   * Resolved settings (model path, threads, sequences, contexts, context size, prefix sharing, speculative
   * decoding).
   */
  readonly settings: LlamaCppBackendSettings;
  /**
   * What speculative decoding has checked and accepted so far (tokens, acceptance rate), or `undefined` when
   * the backend was made without `speculative`.
   */
  speculation(): SpeculationStats | undefined;
  /**
   * Raw-distribution log-probabilities of `request.continuation` after its prompt, by teacher forcing on a
   * sequence that preferably caches the prompt already; rejects with the signal's reason on an abort.
   */
  score(request: ScoreRequest, options?: CallOptions): Promise<ScoreResult>;
  /**
   * The tokens `prompt` takes as `generate` evaluates it: the beginning-of-sequence token included, and a
   * chat prompt rendered by the model's chat template; tokenized in this process, no call to the model.
   *
   * @throws ConfigError or CapabilityError for a prompt `generate` would refuse; the signal's reason when
   *   `options.signal` is aborted.
   */
  countTokens(prompt: Prompt, options?: CallOptions): Promise<number>;
  /**
   * The FLOP/s and bandwidth llama.cpp reaches here with the backend's threads, on the loaded model (a
   * batched prompt evaluation and single-token decoding, warm, fastest of five); measured on the first call
   * (tens of milliseconds on the lab models) and cached.
   *
   * @throws MullError when the model file does not give its shape (the FLOPs cannot be counted).
   */
  measureRates(options?: CallOptions): Promise<EngineRates>;
  /** Frees the contexts, the draft model and the loaded model; calling it again does nothing. */
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Loads a GGUF model with node-llama-cpp (CPU, explicit threads) and returns a {@link LlamaCppBackend}: `n`
 * completions run as parallel sequences of one context (batched by node-llama-cpp; beyond `sequences` they
 * queue), with a shared prompt prefix evaluated once, per-token raw-distribution logprobs, `score` by teacher
 * forcing, GBNF grammars, and the model's chat template for chat prompts (when it has one). With `contexts` above
 * 1, the model's weights are loaded once and each call runs in one of that many contexts, decoding side by side.
 * A missing or corrupt file is a `ConfigError` naming the path.
 *
 * @example
 * await using backend = await createLlamaCppBackend({ model: "lab-small", threads: 1 });
 * const result = await backend.generate({
 *   prompt: { kind: "text", text: "Q: 30+444+273=? A:" },
 *   n: 8,
 *   temperature: 1,
 *   seed: 7,
 * });
 */
export async function createLlamaCppBackend(options: LlamaCppBackendOptions): Promise<LlamaCppBackend> {
  const parsed = parseLlamaCppBackendOptions(options);
  if (parsed.contexts > 1 && parsed.speculative !== undefined) {
    throw new ConfigError(
      `createLlamaCppBackend: contexts must be 1 with speculative decoding, got ${parsed.contexts}`,
      { field: "contexts" },
    );
  }
  const loaded = await loadLlamaModel(parsed);
  let speculation: Speculation | undefined;
  let extraContexts: LlamaContext[];
  try {
    speculation =
      parsed.speculative === undefined ? undefined : await loadSpeculation(loaded, parsed.speculative);
    const threadLimit = loaded.llama.maxThreads;
    // One context may ask for any number of threads; several must fit the limit, or they would take turns.
    if (parsed.contexts > 1 && threadLimit > 0 && parsed.contexts * parsed.threads > threadLimit) {
      throw new ConfigError(
        `createLlamaCppBackend: contexts × threads must be at most ${threadLimit} (node-llama-cpp's thread limit), ` +
          `got ${parsed.contexts} × ${parsed.threads}`,
        { field: "contexts" },
      );
    }
    extraContexts = await createExtraContexts(loaded, parsed.contexts - 1, parsed.signal);
  } catch (error) {
    await loaded.dispose();
    throw error;
  }
  const engines: LlamaCppEngine[] = [
    createLlamaCppEngine(loaded, parsed.seedFallback, speculation),
    ...extraContexts.map((context) => createLlamaCppEngine({ ...loaded, context }, parsed.seedFallback)),
  ];
  const [engine] = engines as [LlamaCppEngine];
  let disposed = false;
  let rates: Promise<EngineRates> | undefined;

  const ensureUsable = (): void => {
    if (disposed) throw new DisposedError(loaded.owner);
  };

  /** The engine for a call on `prompt`: the only one, or the pick of {@link pickEngine}. */
  const engineFor = (prompt: Prompt): LlamaCppEngine => {
    if (engines.length === 1) return engine;
    const tokens = () => {
      try {
        return engine.renderer.render(prompt).tokens;
      } catch {
        // A prompt that does not render is refused by the call itself, with its own message.
        return undefined;
      }
    };
    return (
      engines[
        pickEngine(
          engines.map((each) => each.pool),
          tokens,
        )
      ] ?? engine
    );
  };

  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    for (const each of engines) each.pool.close();
    for (const context of extraContexts) await context.dispose();
    // The draft model belongs to the same llama.cpp binding, which loaded.dispose() frees last.
    await loaded.context.dispose();
    await speculation?.dispose();
    await loaded.dispose();
  };

  return {
    settings: loaded.settings,
    speculation: () => speculation?.stats(),
    describe: (): BackendDescription => {
      const modelHash = loaded.modelHash();
      return {
        kind: "llama-cpp",
        model: loaded.modelName,
        versions: loaded.versions,
        ...(modelHash === undefined ? {} : { modelHash }),
        ...(loaded.architecture === undefined ? {} : { architecture: loaded.architecture }),
        contexts: loaded.settings.contexts,
        threads: loaded.settings.threads,
      };
    },
    capabilities: async (): Promise<BackendCapabilities> => {
      ensureUsable();
      return {
        n: true,
        // The usage counts the prompt once per completion, evaluated or copied from a sibling's sequence.
        promptPerCompletion: true,
        logprobs: true,
        topLogprobs: true,
        maxTopLogprobs: loaded.vocabularySize,
        promptLogprobs: false,
        score: true,
        seed: true,
        chat: engine.renderer.hasChatTemplate,
        completion: true,
        continuePrefix: true,
        grammar: true,
        topK: true,
        watchTokens: true,
      };
    },
    generate: async (
      request: GenerationRequest,
      callOptions: CallOptions = {},
    ): Promise<GenerationResult> => {
      ensureUsable();
      return generateCompletions(engineFor(request?.prompt), request, callOptions);
    },
    score: async (request: ScoreRequest, callOptions: CallOptions = {}): Promise<ScoreResult> => {
      ensureUsable();
      return scoreContinuation(engineFor(request?.prompt), request, callOptions);
    },
    countTokens: async (prompt: Prompt, callOptions: CallOptions = {}): Promise<number> => {
      ensureUsable();
      callOptions.signal?.throwIfAborted();
      return engine.renderer.render(prompt).tokens.length;
    },
    measureRates: (callOptions: CallOptions = {}): Promise<EngineRates> => {
      ensureUsable();
      const architecture = loaded.architecture;
      if (architecture === undefined) {
        return Promise.reject(
          new MullError(`${loaded.owner}: the model file does not give its shape, so its FLOPs are unknown`),
        );
      }
      if (rates === undefined) {
        const measuring = measureEngineRates(engine, architecture, { signal: callOptions.signal });
        rates = measuring;
        // A failed or aborted measurement is not kept: the next call measures again.
        measuring.catch(() => {
          if (rates === measuring) rates = undefined;
        });
      }
      return rates;
    },
    dispose,
    [Symbol.asyncDispose]: dispose,
  };
}

/**
 * `count` more contexts of the loaded model, shaped like its first (sequences, context size, threads); on
 * failure those made are freed and a `ConfigError` on `contexts` says why.
 */
async function createExtraContexts(
  loaded: LoadedLlamaModel,
  count: number,
  signal: AbortSignal | undefined,
): Promise<LlamaContext[]> {
  const { contextSize, sequences, threads } = loaded.settings;
  const contexts: LlamaContext[] = [];
  try {
    while (contexts.length < count) {
      contexts.push(
        await loaded.model.createContext({
          contextSize,
          sequences,
          threads,
          failedCreationRemedy: false,
          ...(signal === undefined ? {} : { createSignal: signal }),
        }),
      );
    }
    return contexts;
  } catch (error) {
    for (const context of contexts) await context.dispose();
    signal?.throwIfAborted();
    throw new ConfigError(
      `could not create context ${contexts.length + 2} of ${count + 1} (${sequences} sequences × ${contextSize} tokens) ` +
        `for ${loaded.settings.modelPath}: ${(error as Error).message}`,
      { field: "contexts", cause: error },
    );
  }
}
