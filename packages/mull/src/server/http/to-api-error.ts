import {
  BackendCallError,
  BudgetExhaustedError,
  CapabilityError,
  ConfigError,
  DisposedError,
} from "../../errors/index.ts";
// The error's own file, not the state folder's index: the stores there use this folder's errors.
import { StateStoreUnavailableError } from "../state/state-store-unavailable-error.ts";
import { CircuitOpenError } from "../upstreams/index.ts";
import { ApiError } from "./api-error.ts";
import { failedUpstream } from "./failed-upstream.ts";

/** What the server knows about the request that failed, for the message. */
export interface ErrorContext {
  /**
   * Upstream the request went to, by its configured name: named in an upstream failure's message unless
   * the error tells its own (an open circuit's upstream, or one marked by `markFailedUpstream`).
   */
  readonly upstream?: string | undefined;
  /** Request id, quoted in internal errors so logs can be matched. */
  readonly requestId?: string | undefined;
}

/** The upstream server's own message inside a backend error, without the URL the backend put around it. */
function upstreamMessage(error: BackendCallError): string {
  const match = /failed with status \d+[^:]*: ([\s\S]*)$/.exec(error.message);
  const text = (match?.[1] ?? "").trim();
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/** The part of a backend error that describes a network or stream failure, without its URL. */
function failureDetail(error: BackendCallError): string {
  return error.message
    .replace(/^POST \S+\s*/, "")
    .replace(/https?:\/\/\S+/g, "(upstream)")
    .slice(0, 500);
}

/**
 * Maps any error to what the client receives. Validation errors keep their field; upstream failures are
 * described without the upstream's address or keys: a 429 stays a 429 (with Retry-After), a refusal of
 * the request (400/404/413/422, e.g. `context_length_exceeded`) becomes a 400 with the upstream's message,
 * a refusal of the server's own credentials a 502, a timeout a 504, a call refused by an open circuit a 503
 * `upstream_unavailable` (with Retry-After), anything else from upstream a 502; each names the upstream
 * that failed, as a routing strategy calls several (the open circuit's own, else the one the error was
 * marked with, `markFailedUpstream`, else `context.upstream`); an unreachable shared serving state store
 * (`mull serve --state`) a 503 `state_store_unavailable` naming it (with Retry-After).
 * Unknown errors are a 500 that says only the request id.
 */
export function toApiError(error: unknown, context: ErrorContext = {}): ApiError {
  if (error instanceof ApiError) return error;
  const failed = failedUpstream(error) ?? context.upstream;
  const upstream = failed === undefined ? "the upstream" : `upstream "${failed}"`;
  if (CapabilityError.isInstance(error)) {
    return new ApiError(400, error.message, { code: "unsupported_capability", param: "model" });
  }
  if (ConfigError.isInstance(error)) {
    return new ApiError(400, error.message, { code: "invalid_value", param: error.field });
  }
  if (BudgetExhaustedError.isInstance(error)) {
    if (error.reason === "time") {
      return new ApiError(504, "the request ran out of time before any sample was produced", {
        code: "timeout",
      });
    }
    return new ApiError(
      400,
      `the request's budget ran out (${error.reason}) before any sample was produced`,
      {
        code: "budget_exhausted",
      },
    );
  }
  if (DisposedError.isInstance(error)) {
    return new ApiError(503, "the server is shutting down", { code: "server_shutting_down" });
  }
  const stateStore = StateStoreUnavailableError.inChain(error);
  if (stateStore !== undefined) {
    return new ApiError(
      503,
      `the shared serving state store (${stateStore.location}) is unreachable; this server does not serve without it; retry after 1 s`,
      { code: "state_store_unavailable", headers: { "retry-after": "1" } },
    );
  }
  const circuitOpen = CircuitOpenError.inChain(error);
  if (circuitOpen !== undefined) {
    const seconds = Math.max(1, Math.ceil(circuitOpen.retryAfterMilliseconds / 1000));
    // The open circuit's own upstream: a routed request's may be any model's of its route.
    return new ApiError(
      503,
      `upstream "${circuitOpen.upstream}" is unavailable: its circuit is open; retry after ${seconds} s`,
      { code: "upstream_unavailable", headers: { "retry-after": String(seconds) } },
    );
  }
  if (BackendCallError.isInstance(error)) {
    const status = error.status;
    if (status === 429) {
      const seconds =
        error.retryAfterMilliseconds === undefined
          ? 1
          : Math.max(1, Math.ceil(error.retryAfterMilliseconds / 1000));
      return new ApiError(429, `${upstream} is rate limiting; retry after ${seconds} s`, {
        code: "upstream_rate_limited",
        headers: { "retry-after": String(seconds) },
      });
    }
    if (status === 400 || status === 404 || status === 413 || status === 422) {
      const detail = upstreamMessage(error);
      return new ApiError(
        400,
        `${upstream} refused the request (${status})${detail === "" ? "" : `: ${detail}`}`,
        {
          code: /context.length|maximum context/i.test(detail)
            ? "context_length_exceeded"
            : "upstream_rejected",
        },
      );
    }
    if (status === 401 || status === 403) {
      return new ApiError(502, `${upstream} refused this server's credentials (${status})`, {
        code: "upstream_auth_failed",
      });
    }
    if (/deadline|timeout|stalled|no first token/i.test(error.message) && status === undefined) {
      return new ApiError(504, `${upstream} did not answer in time: ${failureDetail(error)}`, {
        code: "upstream_timeout",
      });
    }
    const detail = status === undefined ? failureDetail(error) : `status ${status}`;
    return new ApiError(502, `${upstream} failed: ${detail}`, { code: "upstream_error" });
  }
  const id = context.requestId === undefined ? "" : ` (request ${context.requestId})`;
  return new ApiError(500, `internal server error${id}`, { code: "internal_error", cause: error });
}
