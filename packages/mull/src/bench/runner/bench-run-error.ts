import { MullError } from "../../errors/index.ts";

const marker = Symbol.for("mull.error.bench-run");

/**
 * A (problem, strategy) pair failed and the bench stopped. Everything recorded before stays recorded;
 * `--resume` retries the pairs that have no result.
 */
export class BenchRunError extends MullError {
  protected readonly [marker] = true;
  readonly problemId: string;
  readonly strategy: string;

  constructor(message: string, options: { problemId: string; strategy: string; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = "BenchRunError";
    this.problemId = options.problemId;
    this.strategy = options.strategy;
  }

  static override isInstance(error: unknown): error is BenchRunError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
