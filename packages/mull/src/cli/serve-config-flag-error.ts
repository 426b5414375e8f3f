import { ConfigError } from "../errors/index.ts";
import { withoutUrlSecrets } from "./base-url-flag.ts";
import type { ServeFlags } from "./serve-flags.ts";
import { UsageError } from "./usage-error.ts";

/** Where the configuration `mull serve` checks came from, to tell its fields back to the flags. */
export interface ServeConfigOrigin {
  /** The source the checker names first in its messages: the `--config` file, or `flags`. */
  readonly source: string;
  /** Networks `upstreams[0].allowedNetworks` holds before the `--allow-network` ones (the `--base-url` host). */
  readonly impliedNetworks: number;
  /** Routes the `--config` file holds before the `--route` ones. */
  readonly fileRoutes: number;
  /** Strategies `server.advertisedStrategies` holds before the `--advertise` ones (the `--config` file's). */
  readonly fileAdvertised: number;
}

/** A flag and the value it was given. */
interface FlagValue {
  readonly flag: string;
  readonly value: string | number | undefined;
}

/** A flag, and how to read its value from the flags. */
interface FlagReader {
  readonly flag: string;
  readonly read: (flags: ServeFlags) => string | number | undefined;
}

/** Flags that set `server.<field>`. */
const serverFlags: Readonly<Record<string, FlagReader>> = {
  host: { flag: "--host", read: (flags) => flags.host },
  port: { flag: "--port", read: (flags) => flags.port },
  apiKeysEnv: { flag: "--api-keys-env", read: (flags) => flags.apiKeysEnv },
  shutdownGraceMilliseconds: { flag: "--grace", read: (flags) => flags.grace },
  logLevel: { flag: "--log-level", read: (flags) => flags.logLevel },
  "state.url": { flag: "--state", read: (flags) => flags.state },
  "state.prefix": { flag: "--state-prefix", read: (flags) => flags.statePrefix },
};

/** Flags of the one `--base-url` or embedded upstream that set `upstreams[0].<field>`. */
const upstreamFlags: Readonly<Record<string, FlagReader>> = {
  baseUrl: { flag: "--base-url", read: (flags) => flags.baseUrl },
  apiKeyEnv: { flag: "--upstream-key-env", read: (flags) => flags.upstreamKeyEnv },
  reasoningBudget: { flag: "--reasoning-budget", read: (flags) => flags.reasoningBudget },
  threads: { flag: "--threads", read: (flags) => flags.threads },
};

/** Flags whose values are URLs, shown without credentials or query. */
const urlFlags = new Set(["--base-url", "--state"]);

/** The flag that gave the configuration's `field` its value, or `undefined` when a `--config` file did. */
function flagOf(field: string, flags: ServeFlags, origin: ServeConfigOrigin): FlagValue | undefined {
  const advertised = /^server\.advertisedStrategies\[(\d+)\]/.exec(field);
  if (advertised !== null) {
    const value = flags.advertise?.[Number(advertised[1]) - origin.fileAdvertised];
    return value === undefined ? undefined : { flag: "--advertise", value };
  }
  const server = /^server\.(.+)$/.exec(field);
  if (server !== null) {
    const entry = serverFlags[server[1] ?? ""];
    const value = entry?.read(flags);
    return entry === undefined || value === undefined ? undefined : { flag: entry.flag, value };
  }
  const route = /^routes\[(\d+)\](\.lambda)?/.exec(field);
  if (route !== null) {
    const index = Number(route[1]) - origin.fileRoutes;
    if (index < 0) return undefined;
    if (route[2] !== undefined) return { flag: "--route-lambda", value: flags.routeLambda };
    const given = flags.route?.[index];
    return {
      flag: "--route",
      value: given === undefined ? undefined : `${given.name}=${given.policy}:${given.models.join(">")}`,
    };
  }
  // Upstream fields come from flags only when no --config file was given.
  if (flags.config !== undefined) return undefined;
  const network = /^upstreams\[0\]\.allowedNetworks(?:\[(\d+)\])?/.exec(field);
  if (network !== null) {
    const index = network[1] === undefined ? undefined : Number(network[1]) - origin.impliedNetworks;
    if (index !== undefined && index < 0) return { flag: "--base-url", value: flags.baseUrl };
    return { flag: "--allow-network", value: index === undefined ? undefined : flags.allowNetwork?.[index] };
  }
  const model = /^upstreams\[0\]\.models(?:\[(\d+)\])?/.exec(field);
  if (model !== null) {
    return flags.model !== undefined && (model[1] === undefined || model[1] === "0")
      ? { flag: "--model", value: flags.model }
      : { flag: "--route", value: undefined };
  }
  const upstream = /^upstreams\[0\]\.([A-Za-z]+)/.exec(field);
  const entry = upstream === null ? undefined : upstreamFlags[upstream[1] ?? ""];
  return entry === undefined ? undefined : { flag: entry.flag, value: entry.read(flags) };
}

/**
 * What the checker said about `field`, without the source and field it starts with (`field: reason`, or
 * `field "value": reason`, which keeps the quoted value).
 */
function reasonOf(message: string, field: string, source: string): string {
  const line = message.split("\n").find((text) => text.includes(`${field}: `));
  if (line !== undefined) return line.slice(line.indexOf(`${field}: `) + field.length + 2).trim();
  const reason = message.startsWith(`${source}: `) ? message.slice(source.length + 2) : message;
  return reason.startsWith(`${field} "`) ? reason.slice(field.length + 1) : reason;
}

/**
 * Says a refusal of the configuration `mull serve` built from its flags in the words of the command line:
 * the flag the user typed and its value, in one line (`--state bogus: expected a redis:// or rediss:// URL`,
 * not `flags is invalid:\n  server.state.url: …`). A refusal of what a `--config` file set is left as it is.
 *
 * @returns the UsageError to throw instead, or `undefined` to throw `error` as it is.
 * @example
 * throw serveConfigFlagError(error, flags, { source: "flags", impliedNetworks: 1, fileRoutes: 0, fileAdvertised: 0 }) ?? error;
 */
export function serveConfigFlagError(
  error: unknown,
  flags: ServeFlags,
  origin: ServeConfigOrigin,
): UsageError | undefined {
  if (!ConfigError.isInstance(error) || error.field === undefined) return undefined;
  const prefix = `${origin.source}: `;
  const field = error.field.startsWith(prefix) ? error.field.slice(prefix.length) : error.field;
  const given = flagOf(field, flags, origin);
  if (given === undefined) return undefined;
  let reason = reasonOf(error.message, field, origin.source);
  // The checker speaks of a config file's fields; on the command line they are flags.
  reason = reason
    .replace("named by apiKeyEnv", "named by --upstream-key-env")
    .replace("in allowedNetworks", "with --allow-network")
    // The value follows the flag, as typed, rather than the checker's `, got …` at the end.
    .replace(/^(expected .*), got (?:"(?:[^"\\]|\\.)*"|[^,;"]*)$/, "$1");
  const text =
    given.value === undefined
      ? undefined
      : urlFlags.has(given.flag)
        ? withoutUrlSecrets(String(given.value))
        : String(given.value);
  // A value the reason already quotes is not said twice; a URL's only without its secrets.
  const shown =
    text === undefined || reason.includes(`"${text}"`) || (urlFlags.has(given.flag) && reason.includes(text))
      ? ""
      : ` ${text === "" ? '""' : text}`;
  // A reason that starts with the quoted value follows the flag: `--advertise "sc@0": gives N = 0 in sc@N; …`.
  const said =
    text !== undefined && reason.startsWith(`${JSON.stringify(text)}: `)
      ? `${given.flag} ${reason}`
      : `${given.flag}${shown}: ${reason}`;
  return new UsageError(said, given.flag, { cause: error });
}
