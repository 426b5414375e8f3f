import type { Usage } from "./usage.ts";

/**
 * Limits on what one strategy run may spend. Every field is optional; an absent field is no limit.
 * Token limits count prompt and completion tokens as reported by the backend.
 */
export interface BudgetLimits {
  /** Prompt plus completion tokens over all calls. */
  readonly maxTotalTokens?: number | undefined;
  /** Generated tokens over all calls. */
  readonly maxCompletionTokens?: number | undefined;
  /** Backend generation calls (each completion of a fanned-out `n` counts once per request made). */
  readonly maxCalls?: number | undefined;
  /**
   * Calls to scorers and reward models: each invocation counts one, a programmatic check's too, or the
   * calls it reports when it made more (an LLM judge's one per solution).
   */
  readonly maxScoreCalls?: number | undefined;
  /** Wall time from the start of the run, in milliseconds. */
  readonly maxMilliseconds?: number | undefined;
  /** Money, in US dollars, when a price is known. */
  readonly maxCostUsd?: number | undefined;
}

/**
 * Why a run stopped.
 * - `complete`: the strategy finished its plan;
 * - `tokens`, `completion-tokens`, `calls`, `score-calls`, `time`, `cost`: a budget limit ran out;
 * - `abort`: the caller's signal fired;
 * - `samples-lost`: some of the samples it ran side by side failed (a call's error), and it answered from
 *   those that finished;
 * - `condition:<name>`: a stop condition (e.g. `condition:consensus`) ended it early.
 */
export type StopReason =
  | "complete"
  | "tokens"
  | "completion-tokens"
  | "calls"
  | "score-calls"
  | "time"
  | "cost"
  | "abort"
  | "samples-lost"
  | `condition:${string}`;

/** A snapshot of what a run has spent so far. */
export interface BudgetSpent {
  /** Tokens and calls charged so far: every generation call, and the tokens of scorers that call a model. */
  readonly usage: Usage;
  /** Scorer and reward-model calls charged so far (`chargeScore`). */
  readonly scoreCalls: number;
  /** Milliseconds since the budget was made, on the run's clock. */
  readonly elapsedMilliseconds: number;
  /** Money spent, when a price is known. */
  readonly costUsd: number | undefined;
}

/** Prices of a model's tokens, in US dollars per million tokens. */
export interface TokenPrice {
  /** US dollars per million prompt (input) tokens; a number ≥ 0. */
  readonly promptUsdPerMillion: number;
  /** US dollars per million completion (generated) tokens; a number ≥ 0. */
  readonly completionUsdPerMillion: number;
}

/** What a call in flight holds of a budget (`Budget.reserve`); `release()` gives it back, once. */
export interface BudgetReservation {
  /** Gives the reservation back; a second call does nothing. */
  release(): void;
}

/**
 * The budget of one run: limits plus what was spent. Strategies consult it before each action
 * (`exhausted()`), charge it after each call, and stop with its reason when it runs out. Calls made at
 * once hold what they may spend while they are in flight (`reserve`), so that each is sized against what
 * the others may still spend, not only against what was charged.
 */
export interface Budget {
  /** The limits it was made with (a nested run's budget has its parent's). */
  readonly limits: BudgetLimits;
  /** What was spent so far. */
  spent(): BudgetSpent;
  /** The first limit that has run out, or `undefined` while there is budget left. */
  exhausted(): StopReason | undefined;
  /**
   * Whether `completions` more completions of about `tokensEach` tokens would still fit; strategies use
   * it to size the next batch.
   */
  affords(completions: number, tokensEach?: number): boolean;
  /** Records the usage of a generation call; a usage without `calls` or with a count below 0 is refused. */
  charge(usage: Usage): void;
  /** Records one or more scorer calls. */
  chargeScore(calls?: number): void;
  /**
   * Holds `usage` (a call's calls, its prompt tokens and the most tokens its completions may generate)
   * as spent for sizing other calls (`budgetShortfall`, `completionTokenCap`) until it is released: a
   * call takes it as it starts and releases it when it is charged or fails. It is not charged, and
   * `spent()` and `exhausted()` do not count it. Optional: a budget without it sizes each call against
   * what was charged only, so calls made at once may together pass a limit.
   */
  reserve?(usage: Usage): BudgetReservation;
  /** What the reservations not yet released hold, summed; optional, with `reserve`. */
  reserved?(): Usage;
  /** A signal that fires when the time limit passes or the caller aborts. */
  readonly signal: AbortSignal;
  /**
   * The token prices `maxCostUsd` is counted at; optional. Where given, the money left is turned into
   * tokens for sizing calls (`budgetShortfall`, `completionTokenCap`), so calls made at once together stay
   * within it as within a token limit; a budget without it holds the money limit against what was spent only.
   */
  readonly price?: TokenPrice | undefined;
}

/** A predicate over a run's progress that ends it early, e.g. when a consensus is reached. */
export interface StopCondition<State = unknown> {
  /** Short name; the run stops with `condition:<name>`. */
  readonly name: string;
  /** True when the run should stop now. */
  shouldStop(state: State): boolean;
}
