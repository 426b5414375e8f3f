import { checkBackendUsage, limitsTokens } from "../budget/index.ts";
import { BackendCallError } from "../errors/index.ts";
import type { GenerationResult, StrategyContext } from "../spec/index.ts";
import { cutReason } from "./cut-reason.ts";

/** A call's result as `chargeCall` takes it, with what is known about how it ended. */
export interface ChargedCall {
  /** What the backend returned, or told it had done when the run's abort ended the call. */
  readonly result: GenerationResult;
  /** Completions the call asked for. */
  readonly n: number;
  /** Whether the run's abort (its deadline, a limit or the caller) ended the call. */
  readonly aborted: boolean;
  /** Trace node the notes hang under. */
  readonly parentId: string | undefined;
  /**
   * Record a note when the budget limits tokens and the backend reported none for this call (a caller
   * making several calls asks on the first only, so it is said once).
   */
  readonly noteUnreportedTokens?: boolean | undefined;
}

/**
 * Charges a call's usage to the run's budget, once checked (`checkBackendUsage`), and notes in the trace
 * what the budget cannot count: a backend that reports no tokens where the budget limits them (with
 * `noteUnreportedTokens`), or one that could not tell every token of a call the run's abort cut, which
 * makes the run's token counts unknown. A call aborted before any completion is charged all the same.
 *
 * @throws BackendCallError when the usage has no `calls` or a count below 0, or when a call the run did
 * not abort returned no completions (charged first).
 * @example
 * chargeCall(context, { result, n, aborted: false, parentId, noteUnreportedTokens: true });
 */
export function chargeCall(
  context: Pick<StrategyContext, "backend" | "budget" | "tracer">,
  call: ChargedCall,
): void {
  const { backend, budget, tracer } = context;
  const { result, parentId } = call;
  const tokenLimited = limitsTokens(budget);
  if (call.noteUnreportedTokens === true && tokenLimited && result.usage.completionTokens === undefined) {
    tracer.record({
      type: "note",
      parentId,
      message: `${backend.describe().kind} backend does not report token counts: token limits cannot be enforced`,
    });
  }
  checkBackendUsage(backend, result.usage);
  budget.charge(result.usage);
  if (
    call.aborted &&
    (result.usage.promptTokens === undefined || result.usage.completionTokens === undefined)
  ) {
    tracer.record({
      type: "note",
      parentId,
      message: `${backend.describe().kind} backend could not tell every token of a call cut by ${cutReason(budget)}: the run's token counts are unknown`,
    });
  }
  if (result.completions.length === 0 && !call.aborted) {
    throw new BackendCallError(`${backend.describe().kind} backend returned no completions for n=${call.n}`);
  }
}
