import { BudgetExhaustedError } from "../errors/index.ts";
import type { Backend, BackendCapabilities, CallOptions } from "../spec/index.ts";
import { checkCapability, type RequirableCapability } from "./check-capability.ts";
import { signalStopReason } from "./signal-stop-reason.ts";

/**
 * Checks that a backend has a capability (probing it if needed) and returns all its capabilities; throws a
 * `CapabilityError` naming the capability, who needs it and the backend otherwise (`checkCapability`).
 *
 * A run cut while the capabilities were asked (`options.signal` aborted: a backend that has to ask its
 * server cannot answer then) is no failure of the backend: it throws `BudgetExhaustedError` with the cut's
 * reason, `time` when the signal aborted with a `TimeoutError` (a run's deadline), else `abort`.
 *
 * @throws CapabilityError when the capability is missing.
 * @throws BudgetExhaustedError when `options.signal` aborted before the capabilities came.
 * @example
 * await requireCapability(context.backend, "logprobs", "deepconf", { signal: context.signal });
 */
export async function requireCapability(
  backend: Backend,
  name: RequirableCapability,
  requiredBy: string,
  options?: CallOptions,
): Promise<BackendCapabilities> {
  let capabilities: BackendCapabilities;
  try {
    capabilities = await backend.capabilities(options);
  } catch (error) {
    const signal = options?.signal;
    if (signal?.aborted !== true) throw error;
    throw new BudgetExhaustedError(signalStopReason(signal));
  }
  checkCapability(backend, capabilities, name, requiredBy);
  return capabilities;
}
