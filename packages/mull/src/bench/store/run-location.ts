import { ConfigError } from "../../errors/index.ts";

/**
 * Where a run's store lives: a directory holding `bench.sqlite` (the default), or a named run inside a
 * PostgreSQL database that several processes may write at once.
 */
export type RunLocation =
  | { readonly kind: "sqlite"; readonly directory: string }
  | { readonly kind: "postgres"; readonly url: string; readonly name: string };

/** Run names inside a database: letters, digits, `.`, `_`, `-` and `/`, starting with a letter or digit. */
const runName = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/;

/**
 * A connection URL with its password replaced by `***`, for messages and manifests; a string that does
 * not parse as a URL is returned as `<unparsable URL>` (it may hold a password in any place).
 *
 * @example
 * redactUrl("postgres://mull:secret@db:5432/runs"); // "postgres://mull:***@db:5432/runs"
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "<unparsable URL>";
  }
  if (parsed.password !== "") parsed.password = "***";
  for (const key of [...parsed.searchParams.keys()]) {
    if (/password|secret|token/i.test(key)) parsed.searchParams.set(key, "***");
  }
  return parsed.toString();
}

/**
 * Turns `mull bench`'s `--out` and `--store` into a run location: without a store (or with an empty one)
 * `out` is the run directory (SQLite); with a `postgres://` or `postgresql://` URL, `out` names the run
 * inside that database.
 *
 * @param fields how errors name the two inputs; default `--out` and `--store` (`mull report` names its
 *   positional `<run>`)
 * @throws ConfigError naming `--store` when the store is not a PostgreSQL URL with a host, and `--out`
 *   when it is empty or, with a database, not a run name (letters, digits, `.`, `_`, `-`, `/`).
 * @example
 * parseRunLocation("runs/gsm8k"); // { kind: "sqlite", directory: "runs/gsm8k" }
 * parseRunLocation("gsm8k-sc8", "postgres://mull@db/runs"); // { kind: "postgres", url: "postgres://mull@db/runs", name: "gsm8k-sc8" }
 */
export function parseRunLocation(
  out: string,
  store?: string | undefined,
  fields: { readonly out?: string | undefined; readonly store?: string | undefined } = {},
): RunLocation {
  const outField = fields.out ?? "--out";
  const storeField = fields.store ?? "--store";
  if (typeof out !== "string" || out === "") {
    throw new ConfigError(`${outField} ${JSON.stringify(out)}: expected a run directory or run name`, {
      field: outField,
    });
  }
  if (store === undefined || store === "") return { kind: "sqlite", directory: out };
  let parsed: URL | undefined;
  try {
    parsed = new URL(store);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || !/^postgres(ql)?:$/.test(parsed.protocol) || parsed.hostname === "") {
    throw new ConfigError(
      `${storeField} ${JSON.stringify(redactUrl(store))}: expected a PostgreSQL URL such as ` +
        `postgres://user:password@host:5432/database (leave ${storeField} out for a run directory)`,
      { field: storeField },
    );
  }
  if (!runName.test(out) || out.split("/").includes("..")) {
    throw new ConfigError(
      `${outField} ${JSON.stringify(out)}: with ${storeField}, ${outField} names the run inside the database: ` +
        "expected letters, digits, '.', '_', '-' or '/' (at most 200, starting with a letter or digit), e.g. gsm8k-sc8",
      { field: outField },
    );
  }
  return { kind: "postgres", url: store, name: out };
}

/**
 * A location for messages: the directory, or `run NAME in <URL with the password redacted>`.
 *
 * @example
 * describeRunLocation({ kind: "postgres", url: "postgres://u:pw@db/x", name: "r1" }); // "run r1 in postgres://u:***@db/x"
 */
export function describeRunLocation(location: RunLocation): string {
  return location.kind === "sqlite"
    ? location.directory
    : `run ${location.name} in ${redactUrl(location.url)}`;
}
