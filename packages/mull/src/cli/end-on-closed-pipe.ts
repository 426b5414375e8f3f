/** What a closed pipe calls instead of ending the process, while a command has set one (`stopOnClosedPipe`). */
let onClosedPipe: (() => void) | undefined;

/**
 * Whether a closed pipe has stopped a command: from then on the process ends when the command does, with
 * the exit code the command sets, however many more writes meet the closed pipe.
 */
let stoppedByClosedPipe = false;

/**
 * Handles an error on standard output or error. On `EPIPE` (a pipe whose reader has gone, `mull models |
 * head -1`; Node ignores SIGPIPE, so the next write fails instead) it stops the running command when the
 * command asked for that (`stopOnClosedPipe`), and otherwise ends the process quietly with the exit code
 * the command has already set, or 0: the command's work is done and only its output is cut. Any other
 * error on the streams is thrown as it would be without a listener.
 */
function endOnEpipe(error: NodeJS.ErrnoException): void {
  if (error.code !== "EPIPE") throw error;
  if (stoppedByClosedPipe) return;
  if (onClosedPipe !== undefined) {
    stoppedByClosedPipe = true;
    onClosedPipe();
    return;
  }
  // Nothing more can be said on a closed pipe, and a message on the other stream would be noise.
  process.exit(process.exitCode ?? 0);
}

/**
 * Makes a closed pipe on standard output or error end the process quietly instead of with an unhandled
 * `EPIPE` error and its stack (`endOnEpipe`). Calling it again adds nothing.
 *
 * @example
 * endOnClosedPipe(); // before any command writes
 */
export function endOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (!stream.listeners("error").includes(endOnEpipe)) stream.on("error", endOnEpipe);
  }
}

/**
 * For a command whose work a closed pipe must not cut short (a bench, whose pairs in flight would be lost
 * and whose run would stay locked): until the returned function is called, a closed pipe on standard
 * output or error calls `stop` (once) instead of ending the process. The process then ends when the
 * command does, with the command's exit code: later writes to the closed pipe are dropped quietly. Takes
 * effect with `endOnClosedPipe`'s listeners; one command at a time.
 *
 * @example
 * const release = stopOnClosedPipe(() => controller.abort(new Error("interrupted")));
 * try {
 *   await runBench({ ...options, signal: controller.signal });
 * } finally {
 *   release();
 * }
 */
export function stopOnClosedPipe(stop: () => void): () => void {
  onClosedPipe = stop;
  return () => {
    if (onClosedPipe === stop) onClosedPipe = undefined;
  };
}
