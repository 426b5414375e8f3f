import type { TokenLogprob } from "mull/spec";
import type { LlamaModel, Token } from "node-llama-cpp";
import type { ForcedToken } from "./teacher-force.ts";

/** Tokens' texts, one piece per token, and their log-probabilities in the spec's shape. */
export interface TokenText {
  /**
   * The text each of `tokens` adds after `before`: the difference between detokenizing a short window with and
   * without it, so that a character split over byte tokens lands on the token that completes it.
   */
  pieces(tokens: readonly Token[], before: readonly Token[]): string[];
  /**
   * `forced` as spec logprobs, token `i` spelled `texts[i]`, with `topLogprobs` alternatives each, every
   * alternative carrying its token id.
   */
  logprobs(forced: readonly ForcedToken[], texts: readonly string[], topLogprobs: number): TokenLogprob[];
}

/** Tokens of context on each side of a token when its piece is read. */
const window = 8;

/**
 * Reads token texts with `model`'s tokenizer.
 *
 * @example
 * const texts = createTokenText(model).pieces(generated, promptTokens.slice(-8));
 */
export function createTokenText(model: LlamaModel): TokenText {
  return {
    pieces(tokens, before) {
      const all = [...before, ...tokens];
      const result: string[] = [];
      for (let index = 0; index < tokens.length; index += 1) {
        const end = before.length + index;
        const start = Math.max(0, end - window);
        const context = all.slice(Math.max(0, start - window), start);
        const without = model.detokenize(all.slice(start, end), false, context);
        const withToken = model.detokenize(all.slice(start, end + 1), false, context);
        result.push(
          withToken.startsWith(without)
            ? withToken.slice(without.length)
            : model.detokenize([all[end] as Token], false),
        );
      }
      return result;
    },
    logprobs(forced, texts, topLogprobs) {
      return forced.map((entry, index) => ({
        token: texts[index] ?? model.detokenize([entry.token], false),
        logprob: entry.logprob,
        ...(topLogprobs > 0
          ? {
              topLogprobs: entry.top.map((top) => ({
                token: model.detokenize([top.token], true),
                logprob: top.logprob,
                id: top.token,
              })),
            }
          : {}),
        ...(entry.entropy === undefined ? {} : { entropy: entry.entropy }),
      }));
    },
  };
}
