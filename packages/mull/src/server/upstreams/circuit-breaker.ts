import { z } from "zod";
import { isRetryableStatus } from "../../errors/index.ts";
import { integerSchema, numberSchema, parseOptions, systemClock } from "../../runtime/index.ts";
import type { Clock } from "../../spec/index.ts";

/** Where a circuit stands: `closed` lets everything through, `open` nothing, `half-open` one trial request. */
export type CircuitState = "closed" | "open" | "half-open";

/** How one upstream HTTP call went, for a circuit: `neutral` calls (the client's fault, cancelled) count neither way. */
export type CircuitVerdict = "success" | "failure" | "neutral";

const circuitBreakerOptions = z.object({
  /** Consecutive failed calls that open the circuit. */
  failureThreshold: integerSchema({ minimum: 1 }),
  /** How long the circuit stays open before it lets one trial request through. */
  cooldownMilliseconds: numberSchema({ exclusiveMinimum: 0 }),
  /** Default: the process's monotonic clock. */
  clock: z.custom<Clock>().optional(),
});

/** Settings of `createCircuitBreaker`. */
export type CircuitBreakerOptions = z.input<typeof circuitBreakerOptions>;

/** A request's leave to use the upstream; release it when the request ends. */
export interface CircuitPermit {
  /** True when this request is the half-open circuit's one trial. */
  readonly trial: boolean;
  /**
   * Ends the request's hold; a trial that recorded no outcome frees the slot for the next request. A
   * shared circuit answers with a promise that never rejects (its trial slot's lease frees it otherwise).
   */
  release(): void | Promise<void>;
}

/** The answer to `tryAcquire`: a permit, or how long until a trial request may go. */
export type CircuitAdmission =
  | { readonly permit: CircuitPermit }
  | { readonly permit: undefined; readonly retryAfterMilliseconds: number };

/** A circuit breaker for one upstream. */
export interface CircuitBreaker {
  /** The state now (an open circuit whose cooldown is over reads as `half-open`). */
  state(): CircuitState;
  /**
   * Asks to send one request to the upstream: closed circuits always admit; a half-open one admits the
   * first request as its trial and refuses the rest while the trial runs; an open one refuses.
   */
  tryAcquire(): CircuitAdmission;
  /** Whether one HTTP call may go out now: false only while the circuit is open and cooling down. */
  allowsCall(): boolean;
  /** Milliseconds until a trial request may go: 0 when one may go now. */
  retryAfterMilliseconds(): number;
  /** Records how one HTTP call to the upstream went. */
  record(verdict: CircuitVerdict): void;
}

/** Milliseconds a refused request is told to wait while the trial request runs. */
const trialWaitMilliseconds = 1000;

/**
 * What an upstream call's outcome means for its circuit: a 2xx or 3xx is a success; a 5xx, 408, 409, 429,
 * a network error or a timeout (the backend's own: the upstream did not answer in time) is a failure; any
 * other 4xx is the request's fault and `aborted` (the caller gave up: the client went away, or the
 * request's own budget ran out) says nothing about the upstream.
 *
 * @param outcome A status code as text, `network-error`, `timeout` or `aborted`.
 */
export function circuitVerdict(outcome: string): CircuitVerdict {
  if (outcome === "network-error" || outcome === "timeout") return "failure";
  const status = Number(outcome);
  if (!Number.isInteger(status)) return "neutral";
  if (status < 400) return "success";
  if (isRetryableStatus(status)) return "failure";
  return "neutral";
}

/**
 * Creates the circuit breaker of one upstream. It opens after `failureThreshold` consecutive failed HTTP
 * calls and then refuses requests for `cooldownMilliseconds`; after that it is half-open and lets exactly
 * one trial request through. The trial's first recorded call decides: a success closes the circuit, a
 * failure opens it for another cooldown. Outcomes recorded while the circuit is open (calls that started
 * before it opened) are ignored.
 *
 * @throws ConfigError `createCircuitBreaker: failureThreshold must be an integer ≥ 1, got 0`, for
 * settings that would never open or never close the circuit.
 * @example
 * const breaker = createCircuitBreaker({ failureThreshold: 5, cooldownMilliseconds: 10_000 });
 * const admission = breaker.tryAcquire();
 * if (admission.permit === undefined) throw new Error(`retry in ${admission.retryAfterMilliseconds} ms`);
 * try { breaker.record(circuitVerdict(String((await fetch(url)).status))); } finally { admission.permit.release(); }
 */
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const {
    failureThreshold,
    cooldownMilliseconds,
    clock = systemClock(),
  } = parseOptions(circuitBreakerOptions, options, "createCircuitBreaker");
  let current: CircuitState = "closed";
  let failures = 0;
  let openedAt = 0;
  /** Counts trials, so a late release of an old trial cannot free a newer one's slot. */
  let trialNumber = 0;
  let trialHeld = false;

  const open = () => {
    current = "open";
    openedAt = clock.now();
    trialHeld = false;
  };
  const close = () => {
    current = "closed";
    failures = 0;
    trialHeld = false;
  };
  const state = (): CircuitState => {
    if (current === "open" && clock.now() - openedAt >= cooldownMilliseconds) {
      current = "half-open";
      trialHeld = false;
    }
    return current;
  };
  const retryAfterMilliseconds = (): number => {
    const now = state();
    if (now === "open") return Math.max(0, openedAt + cooldownMilliseconds - clock.now());
    if (now === "half-open" && trialHeld) return trialWaitMilliseconds;
    return 0;
  };
  const unrestricted: CircuitPermit = { trial: false, release: () => undefined };

  return {
    state,
    tryAcquire() {
      const now = state();
      if (now === "closed") return { permit: unrestricted };
      if (now === "half-open" && !trialHeld) {
        trialHeld = true;
        trialNumber += 1;
        const number = trialNumber;
        return {
          permit: {
            trial: true,
            release() {
              if (number === trialNumber && current === "half-open") trialHeld = false;
            },
          },
        };
      }
      return { permit: undefined, retryAfterMilliseconds: retryAfterMilliseconds() };
    },
    allowsCall: () => state() !== "open",
    retryAfterMilliseconds,
    record(verdict) {
      if (verdict === "neutral") return;
      const now = state();
      if (now === "open") return;
      if (now === "half-open") {
        if (verdict === "success") close();
        else open();
        return;
      }
      if (verdict === "success") {
        failures = 0;
        return;
      }
      failures += 1;
      if (failures >= failureThreshold) open();
    },
  };
}
