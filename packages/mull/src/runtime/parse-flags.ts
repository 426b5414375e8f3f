import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import { ConfigError } from "../errors/index.ts";

/**
 * Parses a script's command-line flags (`node:util`'s `parseArgs`, with `--no-<flag>` for booleans and no
 * positionals), turning its errors into a ConfigError that names the flag, so that a script can print the
 * message and exit 2 rather than show a stack trace.
 *
 * @throws ConfigError `<owner>: unknown option --x (--help lists the options)` (field `--x`) for an
 * unknown flag; `parseArgs`'s own message for a missing value or a stray argument, with the same hint.
 * @example
 * const values = parseFlags("bench:instability", process.argv.slice(2), { seed: { type: "string", default: "0" } });
 */
export function parseFlags<const Options extends ParseArgsOptionsConfig>(
  owner: string,
  argv: readonly string[],
  options: Options,
) {
  try {
    return parseArgs({ args: [...argv], allowNegative: true, options }).values;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== "string" || !code.startsWith("ERR_PARSE_ARGS")) throw error;
    const flag = /'(-[^' ]+)/.exec((error as Error).message)?.[1];
    const message =
      code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && flag !== undefined
        ? `unknown option ${flag}`
        : (error as Error).message;
    throw new ConfigError(`${owner}: ${message} (--help lists the options)`, {
      field: flag ?? "arguments",
      cause: error,
    });
  }
}

/**
 * A flag's text as a number when it is a plain decimal (`12`, `-3`, `0.5`, `.5`), else the text itself,
 * so that a check such as `checkInteger` quotes what was given (`got "abc"`) rather than `NaN`.
 *
 * @example
 * checkInteger("bench:instability", "--problems", numericFlag(values.problems), { minimum: 1 });
 */
export function numericFlag(text: string): number | string {
  return /^\s*-?(\d+\.?\d*|\.\d+)\s*$/.test(text) ? Number(text) : text;
}
