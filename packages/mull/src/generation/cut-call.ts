import type { Completion, GenerationResult, TokenLogprob, TokenWatcher } from "../spec/index.ts";

/**
 * A call that a caller may cut at once through a `cut` signal: the tokens its watcher saw, per completion
 * index, from which the completions are told when the backend gives up nothing (an HTTP request aborted
 * while queued or streaming rejects with the signal's reason).
 */
export interface CuttableCall {
  /** The watcher to hand the backend: `watch`, also keeping each token it sees. */
  readonly watch: TokenWatcher;
  /**
   * What a call cut before it returned anything made: each completion up to its last watched token; its
   * usage counts `calls` requests (none when the cut came before the call was made).
   */
  cutResult(n: number, model: string, logprobs: boolean, calls: number): GenerationResult;
  /**
   * A result the backend returned after the cut: completions it ended by the abort (finish reason
   * `abort`) become cut ones, with the watched tokens when it kept none; the others stay as they are.
   */
  asCut(result: GenerationResult, logprobs: boolean): GenerationResult;
}

/**
 * Watches a call's tokens so that a cut through its abort signal keeps what was generated, like a cut by
 * the watcher at a token: finish reason `cut`, the text and tokens seen up to the cut, `completionTokens`
 * counting them (none for a completion whose request was still queued). Why: a request still waiting for
 * its first token would otherwise be cut only when that token comes, seconds later on a busy server.
 *
 * @example
 * const call = cuttableCall(watch);
 * try { result = await backend.generate(request, { signal, watch: call.watch }); }
 * catch (error) { if (!cut.aborted) throw error; result = call.cutResult(1, model, false); }
 */
export function cuttableCall(watch: TokenWatcher): CuttableCall {
  const seen = new Map<number, TokenLogprob[]>();
  const watchedOf = (index: number): readonly TokenLogprob[] => seen.get(index) ?? [];
  const cutCompletion = (index: number, logprobs: boolean): Completion => {
    const tokens = watchedOf(index);
    return {
      index,
      text: tokens.map((token) => token.token).join(""),
      finishReason: "cut",
      completionTokens: tokens.length,
      ...(logprobs ? { tokens } : {}),
    };
  };
  return {
    watch(index, token) {
      let tokens = seen.get(index);
      if (tokens === undefined) {
        tokens = [];
        seen.set(index, tokens);
      }
      tokens.push(token);
      return watch(index, token);
    },
    cutResult(n, model, logprobs, calls) {
      const completions = Array.from({ length: n }, (_, index) => cutCompletion(index, logprobs));
      const completionTokens = completions.reduce((sum, entry) => sum + (entry.completionTokens ?? 0), 0);
      // The server's usage never came: the prompt's tokens are unknown, as for a cut stream.
      return { completions, usage: { promptTokens: undefined, completionTokens, calls }, model };
    },
    asCut(result, logprobs) {
      return {
        ...result,
        completions: result.completions.map((completion) => {
          if (completion.finishReason !== "abort") return completion;
          const tokens = completion.tokens ?? (logprobs ? watchedOf(completion.index) : undefined);
          return { ...completion, finishReason: "cut", ...(tokens === undefined ? {} : { tokens }) };
        }),
      };
    },
  };
}
