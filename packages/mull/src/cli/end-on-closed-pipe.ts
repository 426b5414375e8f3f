/**
 * Ends the process when standard output or error is a pipe whose reader has gone (`mull models | head -1`):
 * quietly, with the exit code the command has already set, or 0 — the reader took what it wanted, as a
 * Unix tool ends on SIGPIPE (which Node ignores, so the next write fails with EPIPE instead). Any other
 * error on the streams is thrown as it would be without a listener.
 */
function endOnEpipe(error: NodeJS.ErrnoException): void {
  if (error.code !== "EPIPE") throw error;
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
