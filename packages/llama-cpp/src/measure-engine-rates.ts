import type { CallOptions, EngineRates, ModelArchitecture } from "mull/spec";
import type { Token } from "node-llama-cpp";
import type { LlamaCppEngine } from "./llama-cpp-engine.ts";

/** Settings of {@link measureEngineRates}. */
export interface MeasureEngineRatesOptions {
  /** Tokens of the batched prompt evaluation; default 192, capped to leave room in the context. */
  readonly promptTokens?: number | undefined;
  /** Tokens decoded one at a time after the prompt; default 24. */
  readonly decodedTokens?: number | undefined;
  /** Repetitions of each measurement; the fastest counts. Default 5 (after one warm-up). */
  readonly trials?: number | undefined;
}

/** Bytes per key or value element of llama.cpp's cache (f16 by default). */
const cacheBytesPerValue = 2;

/** FLOPs of evaluating `count` tokens after `before` tokens: 2·N per token plus attention over the context. */
function evaluationFlops(architecture: ModelArchitecture, before: number, count: number): number {
  const positions = (count * (2 * before + count + 1)) / 2;
  return 2 * architecture.parameters * count + 2 * architecture.layers * architecture.embedding * positions;
}

/** Bytes read to decode `count` tokens one at a time after `before` tokens: the weights and the cache each time. */
function decodingBytes(architecture: ModelArchitecture, before: number, count: number): number {
  const heads = architecture.heads;
  const width =
    heads === undefined || architecture.keyValueHeads === undefined
      ? architecture.embedding
      : (architecture.embedding * architecture.keyValueHeads) / heads;
  const cachePerToken = 2 * architecture.layers * width * cacheBytesPerValue;
  const weights = architecture.weightBytes ?? 2 * architecture.parameters;
  const positions = (count * (2 * before + count + 1)) / 2;
  return weights * count + cachePerToken * positions;
}

/** Seconds of the fastest of `trials` runs of `work`, which resolves to the milliseconds it timed. */
async function fastest(trials: number, work: () => Promise<number>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let trial = 0; trial < trials; trial += 1) best = Math.min(best, await work());
  // A clock too coarse to see the work still gives a finite rate.
  return Math.max(best, 1e-3) / 1000;
}

/**
 * The peak rates llama.cpp reaches on this machine with the backend's threads, on the loaded model, warm:
 * FLOP/s from one batched evaluation of a prompt of a few hundred tokens (compute-bound: FLOPs as in
 * `sequenceFlops`, 2 × parameters per token plus attention), and bandwidth from decoding tokens one at a time
 * after it (each step reads the weights and the key/value cache of its context). The fastest of a few trials
 * counts. FLOPs are counted as the roofline counts them (every weight twice per token, the embedding lookup
 * and the logits llama.cpp skips for all but the last prompt token included), so the rate is in the
 * roofline's units. On a tiny model per-call overheads dominate decoding, so its bandwidth is far below the memory's;
 * the report takes the higher of these and the JavaScript rates. Takes tens of milliseconds on the lab models.
 * The sequence used is taken from the pool and given back emptied.
 *
 * @throws the signal's reason when aborted while waiting for a sequence.
 * @example
 * const rates = await measureEngineRates(engine, architecture); // { flopsPerSecond: 1.2e10, ... }
 */
export async function measureEngineRates(
  engine: LlamaCppEngine,
  architecture: ModelArchitecture,
  options: MeasureEngineRatesOptions & Pick<CallOptions, "signal"> = {},
): Promise<EngineRates> {
  const { contextSize, threads } = engine.loaded.settings;
  const decoded = Math.max(1, Math.min(options.decodedTokens ?? 24, Math.floor(contextSize / 4)));
  const prompt = Math.max(1, Math.min(options.promptTokens ?? 192, contextSize - decoded - 2));
  const trials = Math.max(1, options.trials ?? 5);
  const vocabulary = [...engine.loaded.model.iterateAllTokens()];
  const tokens = Array.from(
    { length: prompt + decoded },
    (_, index) => vocabulary[(index * 7 + 3) % vocabulary.length] as Token,
  );
  const promptPart = tokens.slice(0, prompt);
  const lease = await engine.pool.acquire(options.signal);
  const sequence = lease.item;
  try {
    const evaluatePrompt = async () => {
      await sequence.clearHistory();
      const start = performance.now();
      await sequence.evaluateWithoutGeneratingNewTokens(promptPart);
      return performance.now() - start;
    };
    await evaluatePrompt();
    const promptSeconds = await fastest(trials, evaluatePrompt);
    const decodeSeconds = await fastest(trials, async () => {
      // Back to the prompt alone; only the decoding is timed.
      await sequence.eraseContextTokenRanges([{ start: prompt, end: sequence.nextTokenIndex }]);
      const start = performance.now();
      for (const token of tokens.slice(prompt)) await sequence.evaluateWithoutGeneratingNewTokens([token]);
      return performance.now() - start;
    });
    return {
      flopsPerSecond: evaluationFlops(architecture, 0, prompt) / promptSeconds,
      bytesPerSecond: decodingBytes(architecture, prompt, decoded) / decodeSeconds,
      source:
        `measured by llama.cpp on ${threads} thread${threads === 1 ? "" : "s"} ` +
        `(${prompt}-token batched prompt evaluation; ${decoded} tokens decoded one at a time)`,
    };
  } finally {
    await sequence.clearHistory();
    lease.release();
  }
}
