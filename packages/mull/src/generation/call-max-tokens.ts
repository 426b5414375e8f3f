import type { CompletionTokenCap } from "../budget/index.ts";
import type { Backend, Budget } from "../spec/index.ts";
import { type BudgetTokenCut, budgetTokenCut } from "./budget-token-cut.ts";
import { contextTokenRoom } from "./context-token-room.ts";
import { reservedMaxTokens } from "./reserved-max-tokens.ts";

/** A budget-checked call that {@link callMaxTokens} sizes. */
export interface SizedCall {
  /** Completions the call asks for. */
  readonly completions: number;
  /** What the call will be charged for its prompt, in all (`BudgetPlan.promptTokens`); unknown counts as 0. */
  readonly promptTokens: number | undefined;
  /** The call's own `maxTokens`; `undefined` when it asked none (the backend's default). */
  readonly asked: number | undefined;
  /** Generated tokens the call after it needs (`reservedMaxTokens`). */
  readonly reserveTokens?: number | undefined;
  /** Whether the call after it reads this call's prompt and what it writes again (`reservedMaxTokens`). */
  readonly rereads?: boolean | undefined;
  /** The call's part of the tokens left, where its caller shares them among calls (`budgetTokenCut`). */
  readonly share?: CompletionTokenCap | undefined;
}

/** The `maxTokens` a budget-checked call is made with, what it holds while in flight, and why. */
export interface CallMaxTokens {
  /** The `maxTokens` of the request; `undefined` for the backend's default. */
  readonly maxTokens: number | undefined;
  /**
   * Tokens each completion may write, as the call holds them while in flight (`reserveCall`): the lesser
   * of `maxTokens` and the context's room after the prompt, whichever is known; `undefined` when neither is.
   */
  readonly held: number | undefined;
  /** The budget's cap where it lowered `maxTokens` (`budgetTokenCut`): a completion that ends there was cut. */
  readonly lowered: BudgetTokenCut | undefined;
  /**
   * Whether the budget alone set `maxTokens` (the call asked none): a backend that refuses it as too large
   * bounds its completions below it (`generateUncappedIfRefused`).
   */
  readonly budgetSet: boolean;
}

/**
 * Sizes a budget-checked call: its `maxTokens` lowered to what the budget's limits leave each completion
 * (`budgetTokenCut`), less what its caller keeps for after it (`reservedMaxTokens`), but only where that
 * lowers what the completions could write. Where the backend tells its context length and what the budget
 * leaves is no less than the context's room after the prompt (`contextTokenRoom`), the context ends every
 * completion first: the call keeps its own `maxTokens` (none, where it asked none), which a server that
 * checks prompt plus `max_tokens` against its window accepts, and holds the room. Why: a budget of 20,000
 * tokens made a call of a 256-token model ask `max_tokens` 19,997, which `mull serve` and vLLM refuse. A
 * budget never raises `maxTokens`, and never leaves a completion more than it had left: the context room
 * stands in for the cap only where it is no larger.
 *
 * @example
 * // 20,000 tokens left, a 13-token prompt, a 256-token context: the context binds, no max_tokens.
 * callMaxTokens(budget, backend, { completions: 1, promptTokens: 13, asked: undefined });
 * // { maxTokens: undefined, held: 243, lowered: undefined, budgetSet: false }
 */
export function callMaxTokens(
  budget: Budget,
  backend: Pick<Backend, "describe">,
  call: SizedCall,
): CallMaxTokens {
  const { completions, promptTokens, asked } = call;
  const reserved = reservedMaxTokens(budget, {
    completions,
    promptTokens,
    asked,
    reserveTokens: call.reserveTokens,
    rereads: call.rereads,
  });
  const lowered = budgetTokenCut(budget, completions, promptTokens, reserved, call.share);
  const sized = lowered?.maxTokens ?? reserved;
  const room = contextTokenRoom(backend, promptTokens, completions);
  if (sized !== asked && sized !== undefined && room !== undefined && sized >= room) {
    return {
      maxTokens: asked,
      held: asked === undefined ? room : Math.min(asked, room),
      lowered: undefined,
      budgetSet: false,
    };
  }
  // A completion never writes past the context, so the call holds no more than its room.
  const held = sized === undefined || room === undefined ? sized : Math.min(sized, room);
  return { maxTokens: sized, held, lowered, budgetSet: asked === undefined && sized !== undefined };
}
