import { describe, expect, it } from "vitest";
import { BackendCallError, findCause } from "../../errors/index.ts";
import { systemClock } from "../../runtime/index.ts";
import { parseEndpointUrl } from "./endpoint-url.ts";
import { createHttpCaller } from "./http-caller.ts";

// A retry the fetch refuses unsent, as `mull serve`'s upstream fetch does while the upstream's circuit is
// open (opened by this call's failure or others'): the call fails with what the upstream answered before.

/** What stands for the open circuit, found again in the rejection's chain of causes. */
class CircuitStandIn extends Error {}

/** A fetch that answers 500 with `message` until `refuseFrom`, then refuses as an open circuit does. */
function refusingFetch(message: string, refuseFrom: number): { fetch: typeof fetch; sent: () => number } {
  let calls = 0;
  let sent = 0;
  const fetchFunction = (async () => {
    calls += 1;
    if (calls >= refuseFrom) {
      const open = new CircuitStandIn('upstream "vllm" is unavailable: its circuit is open');
      throw new BackendCallError(open.message, {
        isRetryable: false,
        retryAfterMilliseconds: 9_000,
        cause: open,
      });
    }
    sent += 1;
    return new Response(JSON.stringify({ error: { message } }), {
      status: 500,
      headers: { "content-type": "application/json", "retry-after-ms": "5" },
    });
  }) as typeof fetch;
  return { fetch: fetchFunction, sent: () => sent };
}

function callerOn(fetchFunction: typeof fetch, maxRetries: number) {
  return createHttpCaller({
    endpoint: parseEndpointUrl("http://10.0.0.1:8000/v1"),
    headers: {},
    secrets: [],
    fetch: fetchFunction,
    clock: systemClock(),
    random: () => 0.5,
    timeoutMilliseconds: 10_000,
    stallTimeoutMilliseconds: 1_000,
    firstTokenTimeoutMilliseconds: undefined,
    maxRetries,
    retryDelayMilliseconds: 5,
    maxRetryDelayMilliseconds: 10,
  });
}

const call = { path: "/chat/completions", body: { model: "m" }, withTopLogprobs: false, signal: undefined };

async function rejection(promise: Promise<unknown>): Promise<BackendCallError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!BackendCallError.isInstance(error))
    throw new Error(`expected a BackendCallError, got ${String(error)}`);
  return error;
}

describe("createHttpCaller: a retry refused unsent after a real failure", () => {
  it("rejects with the earlier attempt's failure, its status, flags and server message, the refusal its cause", async () => {
    const upstream = refusingFetch("overloaded: 12 requests queued", 2);
    const caller = callerOn(upstream.fetch, 2);
    const error = await rejection(caller.post(call));
    expect(upstream.sent()).toBe(1);
    // Before: the refusal itself ("its circuit is open"), not retryable, without the upstream's 500.
    expect(error.message).toBe(
      'POST http://10.0.0.1:8000/v1/chat/completions failed with status 500: overloaded: 12 requests queued (attempt 2 was refused unsent: upstream "vllm" is unavailable: its circuit is open)',
    );
    expect(error.status).toBe(500);
    expect(error.isRetryable).toBe(true);
    expect(error.retryAfterMilliseconds).toBe(5);
    expect(caller.serverMessageOf(error)).toBe("overloaded: 12 requests queued");
    // Whoever tells an open circuit by the chain of causes still finds it.
    const isStandIn = (candidate: unknown): candidate is CircuitStandIn =>
      candidate instanceof CircuitStandIn;
    expect(findCause(error, isStandIn)?.message).toBe('upstream "vllm" is unavailable: its circuit is open');
  });

  it("keeps the later attempts' failures and the refusal of a first attempt as they were", async () => {
    // Refused before any attempt was sent: nothing failed for real, so the refusal is the failure.
    const refusedAtOnce = await rejection(callerOn(refusingFetch("never sent", 1).fetch, 2).post(call));
    expect(refusedAtOnce.message).toBe('upstream "vllm" is unavailable: its circuit is open');
    expect(refusedAtOnce.isRetryable).toBe(false);
    // Refused on the third attempt: the second's failure, the latest real one, is reported.
    const third = refusingFetch("busy", 3);
    const refusedLater = await rejection(callerOn(third.fetch, 2).post(call));
    expect(third.sent()).toBe(2);
    expect(refusedLater.message).toMatch(
      /failed with status 500: busy \(attempt 3 was refused unsent: upstream "vllm" is unavailable/,
    );
    // Retries spent before any refusal: the usual give-up.
    const spent = await rejection(callerOn(refusingFetch("busy", 99).fetch, 1).post(call));
    expect(spent.message).toMatch(/failed with status 500: busy \(gave up after 2 attempts\)$/);
  });
});
