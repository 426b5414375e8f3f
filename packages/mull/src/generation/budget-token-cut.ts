import { type CompletionTokenCap, completionTokenCap } from "../budget/index.ts";
import type { Budget, Completion } from "../spec/index.ts";

/** A `maxTokens` the budget put on a call below what the call asked, and how to tell what it cut. */
export interface BudgetTokenCut {
  /** The `maxTokens` the call is made with: what the budget's token limits have left for each completion. */
  readonly maxTokens: number;
  /** The limit that set it, the stop reason of a call it cut. */
  readonly limit: CompletionTokenCap["limit"];
  /**
   * Whether a completion ran into it: finish reason `length` at `maxTokens` tokens (or an unreported
   * count). One that wrote fewer ran into the context's end instead.
   */
  readonly cut: (completion: Completion) => boolean;
  /** The trace note on a call whose completions it cut, `cut` of `of`. */
  readonly note: (cut: number, of: number) => string;
}

/**
 * The cap the budget's token limits put on a call of `completions` with `promptTokens` charged for its
 * prompt in all (per completion on a backend with `promptPerCompletion`; `completionTokenCap`), where it is
 * below the call's own `maxTokens` (or the call asked none); `undefined` where the budget limits no tokens
 * or leaves the call's `maxTokens` as it is. A completion that ends at that cap was cut mid-way by the
 * budget, not by the request: it is no sample. One that ends at the call's own `maxTokens` is. A `share`
 * (the call's part of the tokens left, where a caller shares them among calls it runs at once, see
 * `completionTokenCap`) caps it the same way where it is lower.
 *
 * @example
 * const cut = budgetTokenCut(budget, 2, 40, sampling.maxTokens);
 * const maxTokens = cut?.maxTokens ?? sampling.maxTokens;
 * const samples = completions.filter((completion) => cut?.cut(completion) !== true);
 */
export function budgetTokenCut(
  budget: Budget,
  completions: number,
  promptTokens: number | undefined,
  asked: number | undefined,
  share?: CompletionTokenCap | undefined,
): BudgetTokenCut | undefined {
  const left = completionTokenCap(budget, completions, promptTokens);
  const cap = share !== undefined && (left === undefined || share.tokens < left.tokens) ? share : left;
  if (cap === undefined || (asked !== undefined && asked <= cap.tokens)) return undefined;
  const maxTokens = cap.tokens;
  return {
    maxTokens,
    limit: cap.limit,
    cut: (completion) =>
      completion.finishReason === "length" &&
      (completion.completionTokens ?? completion.tokens?.length ?? maxTokens) >= maxTokens,
    note: (cut, of) =>
      `${cut} of ${of} completions cut at ${maxTokens} tokens by the budget's ${cap.limit} limit: left out, as a sample cut mid-way is no sample`,
  };
}
