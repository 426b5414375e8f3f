import type { RequestPlan } from "./request-plan.ts";

/**
 * The moment a streamed request is under way, after which its response may send its headers: before it,
 * a failure is still answered with its real status (`throwEarlyFailure`).
 */
export interface RequestAcceptance {
  /** Settles once the request is accepted. */
  readonly accepted: Promise<void>;
  /**
   * Marks the request accepted: an upstream answered a call of it with a success status
   * (`CallOptions.onAccepted`). Later calls change nothing.
   */
  accept(): void;
  /**
   * Told of each plan as it is tried, once its upstream's circuit let it through: a strategy's is accepted
   * then (it works for seconds before it has anything to say, and a lost sample does not fail it); a
   * pass-through on an HTTP upstream waits for its backend's `accept`; a pass-through on a backend that
   * calls no upstream (embedded, scripted) cannot say when it accepted, and is accepted `windowMilliseconds`
   * after its attempt unless it was before.
   */
  attempt(plan: RequestPlan): void;
}

/**
 * Creates the acceptance of one streamed request.
 *
 * @example
 * const acceptance = createRequestAcceptance(500);
 * const work = serveRequest({ ...options, onAttempt: acceptance.attempt, onAccepted: acceptance.accept });
 * await throwEarlyFailure(work, acceptance.accepted, live);
 */
export function createRequestAcceptance(windowMilliseconds: number): RequestAcceptance {
  let resolve: () => void = () => undefined;
  const accepted = new Promise<void>((settle) => {
    resolve = settle;
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const accept = () => {
    clearTimeout(timer);
    resolve();
  };
  return {
    accepted,
    accept,
    attempt(plan) {
      if (plan.strategy !== undefined) accept();
      else if (plan.served.kind !== "openai-compatible") timer ??= setTimeout(accept, windowMilliseconds);
    },
  };
}
