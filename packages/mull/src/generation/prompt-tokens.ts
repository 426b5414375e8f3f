import type { Prompt, StrategyContext } from "../spec/index.ts";
import { promptCharacters } from "./prompt-characters.ts";

/** Characters per token assumed of a prompt whose tokens nothing has counted or reported yet. */
export const estimatedCharactersPerToken = 4;

/** A prompt's tokens before a call is sized, and whether the backend counted them or they are estimated. */
export interface PromptTokens {
  readonly tokens: number;
  /** The backend counted them (`Backend.countTokens`): exact, as the call will charge them. */
  readonly counted: boolean;
}

/**
 * A prompt's tokens estimated from its characters, at `estimatedCharactersPerToken`: what a call is sized by
 * before the backend has counted or reported any. A tokenizer of shorter tokens is undercounted (the lab
 * models' tokens are single characters: four times the estimate).
 *
 * @example
 * estimatePromptTokens({ kind: "text", text: "Q: 30+444+273=? A:" }); // 5
 */
export function estimatePromptTokens(prompt: Prompt): number {
  return Math.ceil(promptCharacters(prompt) / estimatedCharactersPerToken);
}

/**
 * The tokens `prompt` takes, as a call under the run's budget is sized before any call has reported them:
 * counted by the backend where it can count (`Backend.countTokens`, the embedded engine: exact, its chat
 * template and beginning-of-sequence token included) and the budget limits what the prompt counts
 * against (total tokens, or money at the budget's prices); otherwise `estimatePromptTokens`. Counting that fails (a prompt the backend
 * cannot render, which the call itself refuses with its own message; an abort, which the call's budget
 * check then reports) falls back to the estimate. Counting costs a tokenization in this process and no
 * call to the model, so a caller counts each prompt once, before sizing its first call.
 *
 * @example
 * const { tokens, counted } = await promptTokens(context, prompt);
 * const plan = { calls: 1, completions: 1, promptTokens: tokens };
 */
export async function promptTokens(
  context: Pick<StrategyContext, "backend" | "budget" | "signal">,
  prompt: Prompt,
): Promise<PromptTokens> {
  const estimate = { tokens: estimatePromptTokens(prompt), counted: false };
  const { backend, budget, signal } = context;
  // The prompt counts against a limit on everything read: total tokens, or money at the budget's prices.
  const readsCount =
    budget.limits.maxTotalTokens !== undefined ||
    (budget.limits.maxCostUsd !== undefined && budget.price !== undefined);
  if (backend.countTokens === undefined || !readsCount) return estimate;
  try {
    return { tokens: await backend.countTokens(prompt, { signal }), counted: true };
  } catch {
    return estimate;
  }
}
