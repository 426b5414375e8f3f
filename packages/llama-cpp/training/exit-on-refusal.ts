import { ConfigError } from "../../mull/src/errors/index.ts";

/**
 * Waits for an asynchronous check of a script's argument (a file's contents); when it refuses with a
 * ConfigError, prints its one-line message on stderr and exits with status 2, as `optionsOrExitCode` does
 * for the checks it runs. Any other error is thrown.
 *
 * @example
 * await exitOnRefusal(checkLabModelFile("evaluate.ts", "model", options.model));
 */
export async function exitOnRefusal(check: Promise<void>): Promise<void> {
  try {
    await check;
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}
