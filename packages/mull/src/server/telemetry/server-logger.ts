import { type DestinationStream, type Logger, pino } from "pino";

/** Options of `createServerLogger`. */
export interface ServerLoggerOptions {
  /** `fatal` … `trace`, or `silent`; default `info`. */
  readonly level?: string | undefined;
  /** Where lines go; default standard error. */
  readonly destination?: DestinationStream | undefined;
}

/** Paths censored in every log line, whatever code logs them. */
export const redactedLogPaths: readonly string[] = [
  "authorization",
  "headers.authorization",
  "*.headers.authorization",
  "request.headers.authorization",
  'headers["x-api-key"]',
  '*.headers["x-api-key"]',
  "headers.cookie",
  "apiKey",
  "apiKeys",
  "*.apiKey",
  "*.apiKeys",
  "key",
  "*.key",
  "password",
  "*.password",
];

/**
 * The server's JSON logger (pino): one line per request and per notable event, with keys and
 * authorization headers redacted wherever they appear. Request bodies and headers are never logged.
 *
 * @example
 * const logger = createServerLogger({ level: "debug" });
 */
export function createServerLogger(options: ServerLoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? "info",
      base: { service: "mull-serve" },
      redact: { paths: [...redactedLogPaths], censor: "[redacted]" },
    },
    options.destination ?? pino.destination(2),
  );
}
