import { budgetShortfall } from "../budget/index.ts";
import type { BackendCapabilities, StopReason, StrategyContext } from "../spec/index.ts";
import { cutReason } from "./cut-reason.ts";

/** The backend's capabilities, or why the run stopped before they came. */
export type CapabilitiesOrStop =
  | { readonly capabilities: BackendCapabilities; readonly stoppedBy?: undefined }
  | { readonly capabilities?: undefined; readonly stoppedBy: StopReason };

/**
 * Asks the run's backend its capabilities under the run's signal, the way every block that calls a
 * model on a run's behalf must: a run already cut (its deadline passed, its signal aborted) asks nothing,
 * and a cut while the backend asks its server (a first call's capability probe) is no error: either
 * comes back as the budget's stop reason (`time`, `abort`) in `stoppedBy`, for the caller to return with
 * what it has.
 *
 * @throws whatever the backend throws while the run goes on (a server that is down, a refused key).
 * @example
 * const asked = await capabilitiesOrStop(context);
 * if (asked.stoppedBy !== undefined) return { candidates: [], stoppedBy: asked.stoppedBy, usage: emptyUsage };
 * const { capabilities } = asked;
 */
export async function capabilitiesOrStop(
  context: Pick<StrategyContext, "backend" | "budget" | "signal">,
): Promise<CapabilitiesOrStop> {
  const { backend, budget, signal } = context;
  const cut = budgetShortfall(budget, {});
  if (cut !== undefined) return { stoppedBy: cut };
  try {
    return { capabilities: await backend.capabilities({ signal }) };
  } catch (error) {
    if (!signal.aborted) throw error;
    return { stoppedBy: cutReason(budget) };
  }
}
