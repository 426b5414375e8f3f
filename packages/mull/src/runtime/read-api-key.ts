import { ConfigError } from "../errors/index.ts";

/** Options of `readApiKey`. */
export interface ReadApiKeyOptions {
  /** Who reads the key, put before the error message (e.g. `httpProcessReward`); none for a CLI flag. */
  readonly owner?: string | undefined;
  /** The option or flag that named the variable: the error's `field` and subject (default `apiKeyEnv`). */
  readonly field?: string | undefined;
  /** Where the variable is looked up (default `process.env`). */
  readonly environment?: Readonly<Record<string, string | undefined>> | undefined;
}

/**
 * The API key held by the environment variable `variable`, or `undefined` when no variable is named
 * (the server then gets no key).
 *
 * A variable that is named but unset or blank is a mistake, not a wish to go without a key: sending no
 * key would only fail later, at the server, with a less helpful error. So it throws at once.
 *
 * @throws ConfigError (field `options.field`) `<owner>: <field> names <variable>, which is not set in the
 * environment` when the named variable is unset, empty or only whitespace.
 * @example
 * const key = readApiKey(flags.apiKeyEnv, { field: "--api-key-env" });
 * const headers = key === undefined ? {} : { authorization: `Bearer ${key}` };
 */
export function readApiKey(
  variable: string | undefined,
  options: ReadApiKeyOptions = {},
): string | undefined {
  if (variable === undefined) return undefined;
  const key = (options.environment ?? process.env)[variable];
  if (key === undefined || key.trim() === "") {
    const field = options.field ?? "apiKeyEnv";
    const owner = options.owner === undefined ? "" : `${options.owner}: `;
    throw new ConfigError(`${owner}${field} names ${variable}, which is not set in the environment`, {
      field,
    });
  }
  return key;
}
