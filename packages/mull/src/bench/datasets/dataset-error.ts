import { ConfigError } from "../../errors/index.ts";

const marker = Symbol.for("mull.error.dataset");

/**
 * A dataset file could not be read: a malformed line, an oversized row, a missing or duplicate id, a
 * missing answer. The message names the file, the line (or row) and the field.
 */
export class DatasetError extends ConfigError {
  protected readonly [marker] = true;
  /** The dataset file. */
  readonly file: string;
  /** 1-based line (JSONL) or row (JSON array) at fault, when the fault is in one row. */
  readonly line: number | undefined;

  constructor(
    message: string,
    options: { file: string; line?: number | undefined; field?: string | undefined; cause?: unknown },
  ) {
    super(message, { field: options.field, cause: options.cause });
    this.name = "DatasetError";
    this.file = options.file;
    this.line = options.line;
  }

  static override isInstance(error: unknown): error is DatasetError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
