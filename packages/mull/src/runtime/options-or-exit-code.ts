import { ConfigError } from "../errors/index.ts";

/**
 * Reads a script's arguments with `read`: the checked options, or the exit code once the answer
 * is printed — `usage` on stdout and 0 when `read` gives `undefined` (`--help`), the ConfigError's one-line
 * message on stderr and 2 when it refuses an argument. Any other error is thrown.
 *
 * @example
 * const parsed = optionsOrExitCode(() => parseSpeedOptions(process.argv.slice(2)), speedUsage);
 * if (typeof parsed === "number") process.exit(parsed);
 */
export function optionsOrExitCode<Options extends object>(
  read: () => Options | undefined,
  usage: string,
): Options | number {
  try {
    const options = read();
    if (options !== undefined) return options;
    process.stdout.write(usage);
    return 0;
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
}
