const marker = Symbol.for("mull.error");

/**
 * The base of every error mull throws. `MullError.isInstance` works across package copies
 * (it checks a `Symbol.for` marker, not the prototype chain).
 */
export class MullError extends Error {
  protected readonly [marker] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MullError";
  }

  /** True for any mull error, whichever copy of the package created it. */
  static isInstance(error: unknown): error is MullError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
