import { BackendCallError } from "../../errors/index.ts";
import { CircuitOpenError } from "./circuit-open-error.ts";

/**
 * Whether a sample's failure is the loss of that sample (a cut or stalled stream, a timeout, a network
 * failure, a 5xx or 429 after the retries), not a refusal of the request itself (a 400, an open circuit),
 * which every other sample would meet too.
 */
export function isSampleLoss(error: unknown): boolean {
  return BackendCallError.isInstance(error) && error.isRetryable;
}

/** The failure a call whose every sample failed is reported by, and whether it counts as lost samples. */
export interface ReportedFailure {
  readonly error: unknown;
  /** True for lost samples (a quorum missed), false for a refusal of the request, thrown as it is. */
  readonly lost: boolean;
}

/**
 * The failure to report for a call whose every sample failed, from its samples' errors in the order they
 * failed, and `earlierLoss`, the first sample the request lost in an earlier call, if any. A request runs
 * once its upstream's circuit admitted it, so a sample refused by an open circuit met a circuit that
 * opened while the request ran, most often on its own samples' failures (one sample's retries, refused,
 * end in the refusal): when every failure is a lost sample or such a refusal, the samples count as lost,
 * reported by the earliest real upstream failure (this call's, else `earlierLoss`, else, when none was
 * seen, the first refusal). Otherwise the first failure decides: a lost sample, or a refusal of the
 * request (a 400) thrown as it is.
 *
 * @example
 * const { error, lost } = reportedFailure(errorsInFailureOrder, firstLoss);
 * if (!lost) throw error;
 */
export function reportedFailure(errors: readonly unknown[], earlierLoss: unknown): ReportedFailure {
  const first = errors[0] ?? new Error("no completions");
  const refused = (error: unknown) => CircuitOpenError.inChain(error) !== undefined;
  const circuitOpened =
    errors.some(refused) && errors.every((error) => isSampleLoss(error) || refused(error));
  if (!circuitOpened) return { error: first, lost: isSampleLoss(first) };
  return { error: errors.find(isSampleLoss) ?? earlierLoss ?? first, lost: true };
}
