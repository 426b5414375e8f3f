import { describe, expect, it } from "vitest";
import { BackendCallError } from "../../errors/index.ts";
import { CircuitOpenError } from "../upstreams/index.ts";
import { markFailedUpstream } from "./failed-upstream.ts";
import { toApiError } from "./to-api-error.ts";

// A routed request (`cascade@8:small>large`) is logged under its first model's upstream, yet any model of
// its route may fail: the client is told the upstream that did.

describe("toApiError naming the upstream that failed", () => {
  it("names an open circuit's own upstream, not the request's", () => {
    const refusal = new BackendCallError("POST http://large.internal/v1/completions refused", {
      isRetryable: false,
      cause: new CircuitOpenError("large", 12_500),
    });
    const error = toApiError(refusal, { upstream: "small" });
    expect(error.status).toBe(503);
    expect(error.code).toBe("upstream_unavailable");
    expect(error.message).toBe('upstream "large" is unavailable: its circuit is open; retry after 13 s');
    expect(error.headers).toEqual({ "retry-after": "13" });
  });

  it.each([
    [{ status: 429 }, 429, 'upstream "large" is rate limiting; retry after 1 s'],
    [{ status: 400 }, 400, 'upstream "large" refused the request (400)'],
    [{ status: 401 }, 502, `upstream "large" refused this server's credentials (401)`],
    [{ status: 503 }, 502, 'upstream "large" failed: status 503'],
  ])("names the upstream a failure was marked with (%o)", (options, status, message) => {
    const failure = new BackendCallError("POST http://large.internal/v1/completions failed", options);
    markFailedUpstream(failure, "large");
    const error = toApiError(failure, { upstream: "small" });
    expect(error.status).toBe(status);
    expect(error.message).toBe(message);
  });

  it("finds the mark on a cause, keeps the first mark, and names the request's upstream without one", () => {
    const timeout = new BackendCallError("POST http://large.internal/v1/completions: deadline of 5 s passed");
    markFailedUpstream(timeout, "large");
    markFailedUpstream(timeout, "small");
    const wrapped = new BackendCallError("stream stalled", { cause: timeout });
    expect(toApiError(wrapped, { upstream: "small" }).message).toBe(
      'upstream "large" did not answer in time: stream stalled',
    );
    const unmarked = new BackendCallError("POST http://small.internal/v1/completions failed", {
      status: 500,
    });
    expect(toApiError(unmarked, { upstream: "small" }).message).toBe('upstream "small" failed: status 500');
    expect(toApiError(unmarked).message).toBe("the upstream failed: status 500");
  });
});
