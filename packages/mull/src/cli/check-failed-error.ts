import { MullError } from "../errors/index.ts";

const marker = Symbol.for("mull.error.check-failed");

/**
 * A command that checks something (`mull fidelity`) found it failing: its report was printed in full, and
 * the command exits with code 1 so that a script or CI job can stop on it.
 */
export class CheckFailedError extends MullError {
  protected readonly [marker] = true;

  constructor(message: string) {
    super(message);
    this.name = "CheckFailedError";
  }

  static override isInstance(error: unknown): error is CheckFailedError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
