import type { Usage } from "../../spec/index.ts";

/** The error object of OpenAI's error shape: `{ "error": { message, type, param, code } }`. */
export interface ApiErrorBody {
  /** What went wrong, written for the client (no key, header or upstream address). */
  readonly message: string;
  /** OpenAI's error type, e.g. `invalid_request_error`, `rate_limit_error`, `server_error`. */
  readonly type: string;
  /** The request field at fault, e.g. `messages[2].role`; `null` when no one field is. */
  readonly param: string | null;
  /** A machine-readable code, e.g. `model_not_found`; `null` when there is none. */
  readonly code: string | null;
}

/** Options of an `ApiError`. */
export interface ApiErrorOptions {
  /** OpenAI's error type; default from the status (`invalid_request_error`, `authentication_error`, …). */
  readonly type?: string | undefined;
  /** The request field at fault, e.g. `messages[2].role`. */
  readonly param?: string | undefined;
  /** A machine-readable code, e.g. `model_not_found`. */
  readonly code?: string | undefined;
  /** Extra response headers, e.g. `retry-after`. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /**
   * What the request had used when it failed, as the upstream reported it (the samples that finished
   * before a quorum was missed): its key's token budget is charged this, and given back the rest.
   */
  readonly usage?: Usage | undefined;
  /** The error behind it, kept as `Error.cause`: logged for a 5xx, never sent to the client. */
  readonly cause?: unknown;
}

function typeOfStatus(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

/**
 * An error the server answers with: an HTTP status and a body in OpenAI's error shape. Its message is
 * written for the client: it names the field and the limit, and never holds a key, a header or an
 * upstream's address.
 *
 * @example
 * throw new ApiError(400, "n must be at most 64 (the server's cap limits.maxSamples)", { param: "n", code: "invalid_value" });
 */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | undefined;
  readonly code: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** What the request had used when it failed, where the upstream reported it (`ApiErrorOptions.usage`). */
  readonly usage: Usage | undefined;

  constructor(status: number, message: string, options: ApiErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "ApiError";
    this.status = status;
    this.type = options.type ?? typeOfStatus(status);
    this.param = options.param;
    this.code = options.code;
    this.headers = options.headers ?? {};
    this.usage = options.usage;
  }

  /** The `{ error: … }` body. */
  body(): { error: ApiErrorBody } {
    return {
      error: { message: this.message, type: this.type, param: this.param ?? null, code: this.code ?? null },
    };
  }
}
