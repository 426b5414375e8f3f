import { ConfigError } from "mull/errors";
import type { LlamaContextSequence } from "node-llama-cpp";
import { createFallbackSeed } from "./fallback-seed.ts";
import { createGrammarCache, type GrammarCache } from "./grammar-cache.ts";
import type { LoadedLlamaModel } from "./load-llama-model.ts";
import { createPromptRenderer, type PromptRenderer } from "./render-prompt.ts";
import { SequencePool } from "./sequence-pool.ts";
import type { Speculation } from "./speculation.ts";
import { createTokenText, type TokenText } from "./token-text.ts";

/** What `generate` and `score` share: the loaded model and the helpers made for it once. */
export interface LlamaCppEngine {
  readonly loaded: LoadedLlamaModel;
  readonly renderer: PromptRenderer;
  /** The context's sequences, handed out by cache affinity. */
  readonly pool: SequencePool<LlamaContextSequence>;
  readonly grammars: GrammarCache;
  readonly tokenText: TokenText;
  /** Speculative decoding of greedy completions, when on. */
  readonly speculation: Speculation | undefined;
  /** The seed of a request that carries none. */
  nextSeed(): number;
  /** Fails with a `ConfigError` on `field` unless `tokenCount` tokens leave room to generate in a sequence. */
  checkFits(tokenCount: number, field: string): void;
}

/**
 * Builds the engine of a loaded model; closing its `pool` stops new work, disposing `loaded` frees it.
 *
 * @example
 * const engine = createLlamaCppEngine(await loadLlamaModel(options), options.seedFallback);
 */
export function createLlamaCppEngine(
  loaded: LoadedLlamaModel,
  seedFallback: number | (() => number) | undefined,
  speculation?: Speculation,
): LlamaCppEngine {
  const { model, context, settings } = loaded;
  return {
    loaded,
    renderer: createPromptRenderer(model, loaded),
    pool: new SequencePool<LlamaContextSequence>({
      capacity: settings.sequences,
      create: () =>
        context.getSequence(
          speculation === undefined ? undefined : { tokenPredictor: speculation.createPredictor() },
        ),
      cachedTokens: (sequence) => sequence.contextTokens,
      owner: loaded.owner,
    }),
    grammars: createGrammarCache(loaded.llama),
    tokenText: createTokenText(model),
    speculation,
    nextSeed: createFallbackSeed(seedFallback),
    checkFits(tokenCount, field) {
      const { contextSize } = settings;
      if (tokenCount >= contextSize - 1) {
        throw new ConfigError(
          `${field} is ${tokenCount} tokens, which leaves no room in a context of ${contextSize} tokens per sequence`,
          { field },
        );
      }
    },
  };
}
