import type { CallOptions, GenerationRequest, GenerationResult } from "mull/spec";
import type { LlamaContextSequence } from "node-llama-cpp";
import { isAbortReason } from "./is-abort-reason.ts";
import { requireLiveReading } from "./live-reading.ts";
import type { LlamaCppEngine } from "./llama-cpp-engine.ts";
import { abortedOutcome, type CompletionOutcome, runCompletion } from "./run-completion.ts";
import type { SequenceLease } from "./sequence-pool.ts";
import { shareWavePrefix } from "./share-wave-prefix.ts";
import { toBackendError } from "./to-backend-error.ts";
import { validateGenerationRequest } from "./validate-generation-request.ts";

type Lease = SequenceLease<LlamaContextSequence>;

/** The first wave: every sequence free right now (at least one, waiting if need be). */
async function acquireWave(
  engine: LlamaCppEngine,
  count: number,
  promptTokens: readonly number[],
  signal: AbortSignal,
): Promise<Lease[]> {
  const wave: Lease[] = [];
  while (wave.length < count) {
    const lease = engine.pool.tryAcquire(promptTokens);
    if (lease === undefined) break;
    wave.push(lease);
  }
  if (wave.length === 0) wave.push(await engine.pool.acquire(signal, promptTokens));
  return wave;
}

function sumUsage(outcomes: readonly CompletionOutcome[]): GenerationResult["usage"] {
  return {
    promptTokens: outcomes.reduce((sum, outcome) => sum + outcome.promptTokens, 0),
    completionTokens: outcomes.reduce((sum, outcome) => sum + outcome.sampledTokens, 0),
    cachedPromptTokens: outcomes.reduce((sum, outcome) => sum + outcome.cachedPromptTokens, 0),
    calls: 1,
  };
}

/**
 * The backend's `generate`: `n` completions as parallel sequences, the first wave sharing the prompt's prefix
 * (when `prefixSharing` is on), the rest queued for sequences as they come free, each watched by
 * `callOptions.watch` when given, its text relayed to `callOptions.onText` under its index. One completion
 * failing aborts the others and rejects; an abort by the caller resolves with what was generated.
 *
 * @throws ConfigError when a watcher is given but the sampler keeps logprobs from being read live.
 */
export async function generateCompletions(
  engine: LlamaCppEngine,
  request: GenerationRequest,
  callOptions: CallOptions,
): Promise<GenerationResult> {
  const { loaded, pool } = engine;
  const { modelName, owner } = loaded;
  const userSignal = callOptions.signal;
  userSignal?.throwIfAborted();
  const plan = validateGenerationRequest(request, { owner, vocabularySize: loaded.vocabularySize });
  const { watch, onText } = callOptions;
  if (watch !== undefined) requireLiveReading(owner, plan, loaded.vocabularySize);
  const rendered = engine.renderer.render(request.prompt);
  engine.checkFits(rendered.tokens.length, "prompt");
  const grammar = plan.grammar === undefined ? undefined : await engine.grammars.get(plan.grammar);
  const seed = plan.seed ?? engine.nextSeed();
  const promptTokens = rendered.tokens;
  const prefix = promptTokens.slice(0, -1);
  const failure = new AbortController();
  const signal = userSignal === undefined ? failure.signal : AbortSignal.any([userSignal, failure.signal]);

  let wave: Lease[];
  try {
    wave = await acquireWave(engine, plan.n, promptTokens, signal);
  } catch (error) {
    if (isAbortReason(error, userSignal)) {
      const completions = Array.from({ length: plan.n }, (_, index) => abortedOutcome(index).completion);
      return { completions, usage: { promptTokens: 0, completionTokens: 0, calls: 1 }, model: modelName };
    }
    throw toBackendError(error, owner);
  }

  let cachedByLease = new Map<Lease, number>();
  try {
    if (loaded.settings.prefixSharing && wave.length > 1 && prefix.length > 0) {
      cachedByLease = await shareWavePrefix(wave, prefix);
    }
  } catch (error) {
    for (const lease of wave) lease.release();
    throw toBackendError(error, owner);
  }

  const start = async (index: number, given: Lease | undefined): Promise<CompletionOutcome> => {
    let lease = given;
    if (lease === undefined) {
      try {
        lease = await pool.acquire(signal, promptTokens);
      } catch (error) {
        if (signal.aborted) return abortedOutcome(index);
        throw error;
      }
    }
    const run = () =>
      runCompletion({
        index,
        sequence: lease.item,
        cachedPromptTokens: cachedByLease.get(lease),
        plan,
        rendered,
        grammar,
        seed,
        signal,
        // Each completion's text is relayed as it is generated, under its own index.
        onText: onText === undefined ? undefined : (text) => onText(text, index),
        watch: watch === undefined ? undefined : (token) => watch(index, token),
        model: loaded.model,
        vocabularySize: loaded.vocabularySize,
        tokenText: engine.tokenText,
      });
    const { speculation } = engine;
    try {
      return speculation !== undefined && plan.temperature === 0
        ? await speculation.counted(lease.item, run)
        : await run();
    } catch (error) {
      failure.abort(error);
      throw error;
    } finally {
      lease.release();
    }
  };
  const settled: Promise<CompletionOutcome>[] = [];
  for (let index = 0; index < plan.n; index += 1) settled.push(start(index, wave[index]));
  const results = await Promise.allSettled(settled);
  const rejected = results.find((result) => result.status === "rejected");
  if (rejected !== undefined) throw toBackendError((rejected as PromiseRejectedResult).reason, owner);
  const outcomes = results.map((result) => (result as PromiseFulfilledResult<CompletionOutcome>).value);
  return {
    completions: outcomes.map((outcome) => outcome.completion),
    usage: sumUsage(outcomes),
    model: modelName,
  };
}
