import { MullError } from "../../errors/index.ts";

const marker = Symbol.for("mull.error.run-in-progress");

/** Another process holds the lock of a run directory. */
export class RunInProgressError extends MullError {
  protected readonly [marker] = true;
  /** The process that holds the lock. */
  readonly pid: number;
  /** The lock file. */
  readonly lockFile: string;

  constructor(message: string, options: { pid: number; lockFile: string }) {
    super(message);
    this.name = "RunInProgressError";
    this.pid = options.pid;
    this.lockFile = options.lockFile;
  }

  static override isInstance(error: unknown): error is RunInProgressError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
