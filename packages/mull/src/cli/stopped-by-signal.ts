import { MullError } from "../errors/index.ts";
import type { StopSignal } from "./abort-on-stop.ts";

/** The exit code of a command a signal stopped: 128 plus the signal's number, as a shell reports it. */
const signalExitCodes: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

const marker = Symbol.for("mull.StoppedBySignal");

/**
 * Thrown by a command that a signal stopped once it has printed what it finished (`mull tune`'s partial
 * report): `runCli` prints nothing more and returns `exitCode`, 130 after SIGINT and 143 after SIGTERM, as
 * the signal would have ended the process — after the command's cleanup and the tracer flush that an exit
 * from inside the command would skip.
 *
 * @example
 * if (stop.signal !== undefined) throw new StoppedBySignal("tune", stop.signal);
 */
export class StoppedBySignal extends MullError {
  protected readonly [marker] = true;
  /** The process's exit code: 130 after SIGINT, 143 after SIGTERM. */
  readonly exitCode: number;

  constructor(command: string, signal: StopSignal) {
    super(`${command}: stopped by ${signal}`);
    this.name = "StoppedBySignal";
    this.exitCode = signalExitCodes[signal];
  }

  static override isInstance(error: unknown): error is StoppedBySignal {
    return typeof error === "object" && error !== null && marker in error;
  }
}
