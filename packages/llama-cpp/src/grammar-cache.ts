import { ConfigError } from "mull/errors";
import type { Llama, LlamaGrammar } from "node-llama-cpp";

/** Compiled GBNF grammars by source text, so that repeated requests with one grammar compile it once. */
export interface GrammarCache {
  /** The compiled grammar; an invalid one rejects with a `ConfigError` on `grammar` and is not kept. */
  get(source: string): Promise<LlamaGrammar>;
}

/**
 * A cache of at most `capacity` grammars for `llama`; the oldest compiled is dropped first.
 *
 * @example
 * const grammars = createGrammarCache(llama);
 * const grammar = await grammars.get('root ::= [0-9]+');
 */
export function createGrammarCache(llama: Llama, capacity = 32): GrammarCache {
  const grammars = new Map<string, Promise<LlamaGrammar>>();
  return {
    get(source) {
      let grammar = grammars.get(source);
      if (grammar === undefined) {
        grammar = llama.createGrammar({ grammar: source }).catch((error: unknown) => {
          grammars.delete(source);
          throw new ConfigError(`grammar is not a valid GBNF grammar: ${(error as Error).message}`, {
            field: "grammar",
            cause: error,
          });
        });
        grammars.set(source, grammar);
        if (grammars.size > capacity) {
          const oldest = grammars.keys().next().value;
          if (oldest !== undefined) grammars.delete(oldest);
        }
      }
      return grammar;
    },
  };
}
