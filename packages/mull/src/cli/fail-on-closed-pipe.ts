import { MullError } from "../errors/index.ts";
import { stopOnClosedPipe } from "./end-on-closed-pipe.ts";

/** A closed pipe watched for by a command that writes to standard error while it works (`failOnClosedPipe`). */
export interface ClosedPipeWatch {
  /**
   * The failure the command ends with once a closed pipe stopped it: it neither finished nor was asked to
   * stop, so it must not exit 0. `undefined` while no closed pipe has stopped it.
   */
  readonly failure: MullError | undefined;
  /** Stops watching: a closed pipe no longer calls the command's stop. Calling it again does nothing. */
  release(): void;
}

/**
 * For a command that writes progress or status to standard error while it works (`mull tune`, `mull
 * worker`, `mull serve`), where a closed pipe that ended the process would end it with 0 and cut its work
 * short: until `release` is called, a reader that closed standard output or error calls `stop` (once)
 * with the failure the command is to end with, exit code 1. The process then ends when the command does,
 * later writes to the closed pipe dropped quietly (`stopOnClosedPipe`). Takes effect with
 * `endOnClosedPipe`'s listeners; one command at a time.
 *
 * @example
 * const pipe = failOnClosedPipe("serve", () => stop("standard error closed"));
 * try {
 *   await stopped;
 * } finally {
 *   pipe.release();
 * }
 * if (pipe.failure !== undefined) throw pipe.failure;
 */
export function failOnClosedPipe(command: string, stop: (failure: MullError) => void): ClosedPipeWatch {
  let failure: MullError | undefined;
  const release = stopOnClosedPipe(() => {
    failure = new MullError(
      `${command}: stopped: the reader of its standard output or error closed the pipe`,
    );
    stop(failure);
  });
  return {
    get failure() {
      return failure;
    },
    release,
  };
}
