import type { BackendCallError } from "../../errors/index.ts";

/** What a body reader gets from the attempt it serves: how to fail, and the timers to keep. */
export interface BodyReading {
  /** The request's URL without secrets, for messages. */
  readonly publicUrl: string;
  /** A retryable failure of this request. */
  retryable(message: string): BackendCallError;
  /** What to throw for a body that cannot be used (see `shapeFailure`). */
  malformed(thrown: unknown): BackendCallError;
  /** What to throw for an error of a body read: the caller's abort, a timeout, or a network failure. */
  networkFailure(thrown: unknown, phase: string, chunks: number): unknown;
  /** Data arrived: the stall timer starts again. */
  armStall(): void;
  /** The body is read: no more stall timer. */
  stopStall(): void;
  /** An event arrived: the first-token timer is done. */
  firstEvent(): void;
}
