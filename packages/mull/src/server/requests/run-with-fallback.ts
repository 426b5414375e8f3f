import { BackendCallError, findCause, isRetryableStatus } from "../../errors/index.ts";
import { ApiError } from "../http/index.ts";
import { CircuitOpenError, type CircuitPermit, type ServedModel } from "../upstreams/index.ts";
import type { RequestPlan } from "./request-plan.ts";
import type { RequestOutcome } from "./run-request.ts";

/** Options of `runWithFallback`. */
export interface RunWithFallbackOptions {
  /** The request as planned for the model the client named. */
  readonly plan: RequestPlan;
  /** The served models by name, where fallbacks are looked up. */
  readonly models: ReadonlyMap<string, ServedModel>;
  /** Plans the same request for another model; `undefined` when that model cannot take it. */
  readonly replan: (model: ServedModel) => RequestPlan | undefined | Promise<RequestPlan | undefined>;
  /** Serves a plan. */
  readonly run: (plan: RequestPlan) => Promise<RequestOutcome>;
  /** False once part of an answer reached the client: another model must not start over then. */
  readonly canRestart: () => boolean;
}

/** What served a request: the outcome, and the plan of the model that answered. */
export interface FallbackResult {
  readonly outcome: RequestOutcome;
  readonly plan: RequestPlan;
}

/**
 * True when an error says the upstream is unavailable rather than the request wrong: its circuit is open,
 * or it answered 408, 409, 429 or 5xx after its retries (also as the first failure of a voting strategy
 * that lost its quorum). Timeouts are not: the request's deadline is already spent.
 */
export function upstreamUnavailable(error: unknown): boolean {
  // The nearest answer decides: an HTTP failure wrapping an older one is judged by its own status.
  const decisive = findCause(
    error,
    (candidate): candidate is CircuitOpenError | BackendCallError =>
      CircuitOpenError.isInstance(candidate) ||
      (BackendCallError.isInstance(candidate) && candidate.status !== undefined),
  );
  if (decisive === undefined) return false;
  if (CircuitOpenError.isInstance(decisive)) return true;
  return decisive.status !== undefined && isRetryableStatus(decisive.status);
}

/** The 503 of a request whose model's circuit is open and that has no fallback able to answer. */
function unavailableError(plan: RequestPlan, retryAfterMilliseconds: number): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterMilliseconds / 1000));
  return new ApiError(
    503,
    `model ${plan.served.name} is unavailable: upstream "${plan.served.upstream}" failed repeatedly and its circuit is open; retry after ${seconds} s`,
    { code: "upstream_unavailable", headers: { "retry-after": String(seconds) } },
  );
}

/**
 * Serves a request on its model, or along the model's `fallback` chain: a model whose upstream's circuit
 * is open is skipped without any upstream call, and one that fails because its upstream is unavailable
 * (`upstreamUnavailable`) hands the request to its fallback, unless part of the answer was already sent.
 * Every model is tried at most once. When no model could even be tried, it throws a 503
 * `upstream_unavailable` whose Retry-After is the time until the requested model's trial request; when
 * models were tried and failed, it throws the last failure.
 *
 * @example
 * const { outcome, plan: answered } = await runWithFallback({ plan, models, replan, run: (plan) => runRequest({ plan, signal, minSampleFraction: 0.5 }), canRestart: () => true });
 */
export async function runWithFallback(options: RunWithFallbackOptions): Promise<FallbackResult> {
  let plan = options.plan;
  const tried = new Set<string>();
  let refusedFor: number | undefined;
  let failure: { error: unknown } | undefined;
  for (;;) {
    tried.add(plan.served.name);
    // A shared circuit's store may be unreachable: that error ends the request (a 503 naming the store).
    const admission = await plan.served.circuit?.tryAcquire();
    if (admission !== undefined && admission.permit === undefined) {
      refusedFor ??= admission.retryAfterMilliseconds;
    } else {
      const permit: CircuitPermit | undefined = admission?.permit;
      try {
        return { outcome: await options.run(plan), plan };
      } catch (error) {
        if (!upstreamUnavailable(error) || !options.canRestart()) throw error;
        failure = { error };
      } finally {
        await permit?.release();
      }
    }
    const next = plan.served.fallback === undefined ? undefined : options.models.get(plan.served.fallback);
    const nextPlan = next === undefined || tried.has(next.name) ? undefined : await options.replan(next);
    if (nextPlan === undefined) break;
    plan = nextPlan;
  }
  if (failure !== undefined) throw failure.error;
  throw unavailableError(options.plan, refusedFor ?? 0);
}
