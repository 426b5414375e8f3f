import { MullError } from "./mull-error.ts";

const marker = Symbol.for("mull.error.config");

/**
 * Invalid user input: a flag, a config file, a request body, a dataset row. The message names the field,
 * the value and what was expected.
 */
export class ConfigError extends MullError {
  protected readonly [marker] = true;
  /** The field, flag or path at fault, e.g. `--n` or `upstreams[0].baseUrl`. */
  readonly field: string | undefined;

  constructor(message: string, options: { field?: string | undefined; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "ConfigError";
    this.field = options.field;
  }

  static override isInstance(error: unknown): error is ConfigError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
