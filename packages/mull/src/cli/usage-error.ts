import { ConfigError } from "../errors/index.ts";

/** Bad command-line usage: exits with code 2. */
export class UsageError extends ConfigError {
  constructor(message: string, field?: string, options: { cause?: unknown } = {}) {
    super(message, { field, cause: options.cause });
    this.name = "UsageError";
  }
}
