import { z } from "zod";
import { ConfigError } from "../errors/index.ts";
import { checkInteger, expecting, numberSchema, objectWithMethods, parseOptions } from "../runtime/index.ts";
import type {
  Budget,
  BudgetLimits,
  BudgetReservation,
  BudgetSpent,
  Clock,
  StopReason,
  TokenPrice,
  Usage,
} from "../spec/index.ts";
import { budgetShortfall } from "./budget-shortfall.ts";
import { tokenCostUsd } from "./token-cost.ts";
import { addUsage, emptyUsage } from "./usage.ts";
import { usageFault } from "./usage-fault.ts";

/** Options of `createBudget`. */
export interface CreateBudgetOptions {
  /** The run's clock; the time limit counts from the budget's creation. */
  readonly clock: Clock;
  /** The caller's signal: when it fires, the budget's signal fires and `exhausted()` says `abort`. */
  readonly signal?: AbortSignal | undefined;
  /** Token prices; needed for `maxCostUsd`. */
  readonly price?: TokenPrice | undefined;
}

/** A budget owned by one run: `close()` releases its timer and its listener on the caller's signal. */
export interface RunBudget extends Budget {
  /**
   * Stops the time-limit timer and detaches from the caller's signal; call it once the run ends. It does
   * not fire `signal`, and `spent()` and `exhausted()` still answer afterwards.
   */
  close(): void;
  /** Holds `usage` for sizing other calls until released (`Budget.reserve`); always taken. */
  reserve(usage: Usage): BudgetReservation;
  /** What the reservations not yet released hold, summed (`Budget.reserved`). */
  reserved(): Usage;
}

const limit = numberSchema({ minimum: 0 }).optional();

/** Every limit of `BudgetLimits`, each absent or a number ≥ 0; any other key (a typo such as `maxTotalToken`) is refused. */
const budgetLimits = z.strictObject({
  maxTotalTokens: limit,
  maxCompletionTokens: limit,
  maxCalls: limit,
  maxScoreCalls: limit,
  maxMilliseconds: limit,
  maxCostUsd: limit,
} satisfies Record<keyof BudgetLimits, unknown>);

/** The options: a clock with `now`, and where given an `AbortSignal` and two prices, each a number ≥ 0. */
const createBudgetOptions = z.strictObject({
  clock: objectWithMethods<Clock>({ expected: "a clock", noun: "clock", methods: ["now"] }),
  signal: z.instanceof(AbortSignal, { error: expecting("an AbortSignal") }).optional(),
  price: z
    .strictObject({
      promptUsdPerMillion: numberSchema({ minimum: 0 }),
      completionUsdPerMillion: numberSchema({ minimum: 0 }),
    } satisfies Record<keyof TokenPrice, unknown>)
    .optional(),
} satisfies Record<keyof CreateBudgetOptions, unknown>);

function checkArguments(limits: BudgetLimits, options: CreateBudgetOptions): void {
  parseOptions(budgetLimits, limits, "createBudget", "budget");
  parseOptions(createBudgetOptions, options, "createBudget", "options");
  if (limits.maxCostUsd !== undefined && options.price === undefined) {
    throw new ConfigError(
      `createBudget: budget.maxCostUsd: a money limit (${limits.maxCostUsd} USD) needs token prices; pass price: { promptUsdPerMillion, completionUsdPerMillion }`,
      { field: "budget.maxCostUsd" },
    );
  }
}

function costOf(usage: Usage, price: TokenPrice | undefined): number | undefined {
  if (price === undefined || usage.promptTokens === undefined || usage.completionTokens === undefined) {
    return undefined;
  }
  return tokenCostUsd(price, usage.promptTokens, usage.completionTokens);
}

/**
 * The budget of one run: limits, what was spent, and a signal that fires when the time limit passes or
 * the caller aborts. `exhausted()` returns the first limit that ran out, in the order they ran out (a
 * limit of 0 has run out from the start). Call `close()` when the run ends. `charge` refuses a usage
 * that breaks the `Usage` contract (`usageFault`: `calls` missing or not an integer ≥ 0, a token count below 0) and
 * `chargeScore` a call count that is not an integer ≥ 0, each with a `ConfigError`
 * (`budget.charge: usage.calls must be an integer ≥ 0, got undefined`), before counting anything; `reserve`
 * refuses such a usage the same way. Reservations (`reserve`) count as spent for sizing calls
 * (`budgetShortfall`, `completionTokenCap`, `affords`) until released, never for `spent()` or `exhausted()`.
 *
 * @throws ConfigError for options without a clock (`createBudget: options: expected an object { clock,
 * signal, price }; got undefined`), a limit that is not a number ≥ 0, an unknown limit, or a money limit
 * without prices.
 * @example
 * const budget = createBudget({ maxTotalTokens: 20_000, maxMilliseconds: 30_000 }, { clock: systemClock() });
 * try {
 *   await backend.generate(request, { signal: budget.signal });
 * } finally {
 *   budget.close();
 * }
 */
export function createBudget(limits: BudgetLimits, options: CreateBudgetOptions): RunBudget {
  checkArguments(limits, options);
  const { clock, price } = options;
  const start = clock.now();
  const controller = new AbortController();
  const ranOut: StopReason[] = [];
  let usage: Usage = emptyUsage;
  let scoreCalls = 0;
  // What calls in flight hold, each until released.
  const reservations = new Set<Usage>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const note = (reason: StopReason): void => {
    if (!ranOut.includes(reason)) ranOut.push(reason);
  };
  const elapsed = (): number => clock.now() - start;
  const abortFor = (reason: "time" | "abort", cause: unknown): void => {
    note(reason);
    if (!controller.signal.aborted) controller.abort(cause);
  };
  const checkTime = (): void => {
    if (limits.maxMilliseconds !== undefined && elapsed() >= limits.maxMilliseconds) {
      abortFor(
        "time",
        new DOMException(`the time limit of ${limits.maxMilliseconds} ms passed`, "TimeoutError"),
      );
    }
  };
  const checkSpending = (): void => {
    const promptTokens = usage.promptTokens ?? 0;
    const completionTokens = usage.completionTokens ?? 0;
    if (limits.maxCalls !== undefined && usage.calls >= limits.maxCalls) note("calls");
    if (limits.maxTotalTokens !== undefined && promptTokens + completionTokens >= limits.maxTotalTokens) {
      note("tokens");
    }
    if (limits.maxCompletionTokens !== undefined && completionTokens >= limits.maxCompletionTokens) {
      note("completion-tokens");
    }
    if (limits.maxScoreCalls !== undefined && scoreCalls >= limits.maxScoreCalls) note("score-calls");
    const cost = costOf(usage, price);
    if (limits.maxCostUsd !== undefined && cost !== undefined && cost >= limits.maxCostUsd) note("cost");
  };

  const callerSignal = options.signal;
  const onCallerAbort = (): void => abortFor("abort", callerSignal?.reason);
  if (callerSignal?.aborted) onCallerAbort();
  else callerSignal?.addEventListener("abort", onCallerAbort, { once: true });

  // A real timer makes the signal fire on time; the run's clock stays the judge of whether the limit
  // passed, so a test clock that has not moved re-arms the timer instead of aborting.
  const arm = (): void => {
    if (closed || limits.maxMilliseconds === undefined || controller.signal.aborted) return;
    const remaining = Math.max(1, limits.maxMilliseconds - elapsed());
    timer = setTimeout(() => {
      checkTime();
      arm();
    }, remaining);
    timer.unref?.();
  };
  checkTime();
  checkSpending();
  arm();

  const budget: RunBudget = {
    limits,
    signal: controller.signal,
    price,
    spent(): BudgetSpent {
      return { usage, scoreCalls, elapsedMilliseconds: elapsed(), costUsd: costOf(usage, price) };
    },
    exhausted() {
      if (callerSignal?.aborted) note("abort");
      checkTime();
      return ranOut[0];
    },
    affords(completions: number, tokensEach?: number) {
      // Worst case: a backend without native `n` makes one call per completion.
      return (
        budgetShortfall(budget, { calls: completions, completions, completionTokensEach: tokensEach }) ===
        undefined
      );
    },
    charge(spent: Usage) {
      // A usage without calls would count none, and a limit on calls would never run out.
      const fault = usageFault(spent);
      if (fault !== undefined) {
        throw new ConfigError(`budget.charge: ${fault.message}`, {
          field: fault.field === undefined ? "usage" : `usage.${fault.field}`,
        });
      }
      usage = addUsage(usage, spent);
      checkSpending();
    },
    chargeScore(calls = 1) {
      scoreCalls += checkInteger("budget.chargeScore", "calls", calls, { minimum: 0 });
      checkSpending();
    },
    reserve(held: Usage): BudgetReservation {
      const fault = usageFault(held);
      if (fault !== undefined) {
        throw new ConfigError(`budget.reserve: ${fault.message}`, {
          field: fault.field === undefined ? "usage" : `usage.${fault.field}`,
        });
      }
      // An object of its own, so that releasing it twice, or one equal to another, frees it once; a
      // token count not given holds nothing.
      const reservation: Usage = {
        calls: held.calls,
        promptTokens: held.promptTokens ?? 0,
        completionTokens: held.completionTokens ?? 0,
      };
      reservations.add(reservation);
      return {
        release() {
          reservations.delete(reservation);
        },
      };
    },
    reserved: () => (reservations.size === 0 ? emptyUsage : addUsage(...reservations)),
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      callerSignal?.removeEventListener("abort", onCallerAbort);
    },
  };
  return budget;
}
