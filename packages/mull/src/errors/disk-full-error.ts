import { MullError } from "./mull-error.ts";

const marker = Symbol.for("mull.error.disk-full");

/**
 * A write found no room: the disk is full, a quota is used up, or a file-size limit (`ulimit -f`) was
 * hit. A fault of the machine, not of the input (the CLI exits 1); what was stored before is kept. The
 * message names the file and what the system said; `runtime`'s `diskFullError` recognises the errors
 * that mean it.
 */
export class DiskFullError extends MullError {
  protected readonly [marker] = true;
  /** The file that could not be written. */
  readonly path: string;

  /**
   * @param path the file that could not be written.
   * @param detail what the system said, e.g. `EFBIG` or SQLite's `disk I/O error`.
   */
  constructor(path: string, detail: string, options: { cause?: unknown } = {}) {
    super(
      `cannot write ${path}: the disk is full or a file-size limit was hit (${detail}); ` +
        "free some space or raise the limit (ulimit -f)",
      options,
    );
    this.name = "DiskFullError";
    this.path = path;
  }

  static override isInstance(error: unknown): error is DiskFullError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
