/** The listener that keeps SIGXFSZ from ending the process; the same function each time, so it is added once. */
function ignoreSignal(): void {}

/**
 * Keeps a file-size limit (`ulimit -f`) from killing the process, so that a write over it fails with
 * EFBIG and is reported as a full disk instead. Node ignores SIGXFSZ at startup, but a package that
 * listens for every fatal signal to clean up before exiting (signal-exit, which node-llama-cpp loads for
 * the embedded engine) takes the signal over and, when no one else listens, raises it again with its
 * default action: the process dies with exit code 153 and no message. A listener of ours makes the
 * signal a no-op whatever is loaded later. Calling it again adds nothing.
 *
 * @example
 * ignoreFileSizeSignal(); // before any command runs
 */
export function ignoreFileSizeSignal(): void {
  if (process.platform === "win32") return;
  if (process.listeners("SIGXFSZ").includes(ignoreSignal)) return;
  process.on("SIGXFSZ", ignoreSignal);
}
