import { MullError } from "./mull-error.ts";

const marker = Symbol.for("mull.error.disposed");

/** An object that held native or network resources was used after `dispose()`. */
export class DisposedError extends MullError {
  protected readonly [marker] = true;

  constructor(what: string) {
    super(`${what} was used after it was disposed`);
    this.name = "DisposedError";
  }

  static override isInstance(error: unknown): error is DisposedError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
