import { ConfigError } from "../src/errors/index.ts";
import { checkInteger, checkOneOf, listFlag, numericFlag, parseFlags } from "../src/runtime/index.ts";

const owner = "bench:server";

/** The phases of `npm run bench:server`, in the order they run. */
export const serverBenchPhases = [
  "sequential",
  "concurrent",
  "autocannon",
  "fanout",
  "streams",
  "overload",
  "soak",
] as const;

/** One phase of `npm run bench:server`. */
export type ServerBenchPhase = (typeof serverBenchPhases)[number];

/** The most samples a request may draw from the benchmark's proxy (its `limits.maxSamples`). */
export const serverBenchMaxSamples = 64;

/** How many requests the benchmark's main proxy takes at once (its `server.maxInFlight`). */
export const serverBenchMaxInFlight = 1_024;

/** What `npm run bench:server -- --help` prints. */
export const serverBenchUsage = `Usage: npm run bench:server -- [options]

What mull serve adds over calling its upstream directly, on loopback: a fake upstream, the proxy and this
load generator as three processes.

Options:
  --phases <list>               phases to run, comma-separated, among ${serverBenchPhases.join(", ")}
                                (default ${serverBenchPhases.filter((phase) => phase !== "soak").join(",")})
  --duration <seconds>          each concurrent, autocannon, fan-out and overload run, an integer >= 1 (default 10)
  --rounds <count>              sequential: interleaved rounds, an integer >= 1 (default 7)
  --round-size <count>          sequential: requests per round and side, an integer >= 1 (default 25)
  --fanout-clients <count>      fan-out: concurrent clients of the second run, an integer >= 1 (default 50)
  --fanout-n <count>            fan-out: samples per request (sc@N), 1 to ${serverBenchMaxSamples} (default 16)
  --streams <count>             open streams: SSE streams held at once, 1 to ${serverBenchMaxInFlight} (default 500)
  --stream-seconds <seconds>    open streams: how long the upstream holds them, an integer >= 1 (default 10)
  --overload-limit <count>      overload: the second proxy's in-flight limit, an integer >= 1 (default 64)
  --soak-seconds <seconds>      soak: how long, an integer >= 3 (default 300)
  --soak-sample-seconds <s>     soak: memory sampled every s seconds, 1 to a third of --soak-seconds (default 10)
  --json                        print the figures as JSON on stdout (the progress lines are left out)
  -h, --help                    print this help

--role fake|proxy and --config <file> start this script's own child processes; they are not for users.
`;

/** The settings of `npm run bench:server`'s load generator, checked. */
export interface ServerBenchOptions {
  readonly role: "load";
  readonly phases: ReadonlySet<ServerBenchPhase>;
  readonly duration: number;
  readonly rounds: number;
  readonly roundSize: number;
  readonly fanoutClients: number;
  readonly fanoutN: number;
  readonly streams: number;
  readonly streamSeconds: number;
  readonly overloadLimit: number;
  readonly soakSeconds: number;
  readonly soakSampleSeconds: number;
  readonly json: boolean;
}

/** What a child process of `npm run bench:server` is to be. */
export type ServerBenchChild =
  | { readonly role: "fake" }
  | { readonly role: "proxy"; readonly config: string };

const optionSpecs = {
  help: { type: "boolean", short: "h" },
  role: { type: "string" },
  config: { type: "string" },
  duration: { type: "string", default: "10" },
  rounds: { type: "string", default: "7" },
  "round-size": { type: "string", default: "25" },
  "fanout-clients": { type: "string", default: "50" },
  "fanout-n": { type: "string", default: "16" },
  streams: { type: "string", default: "500" },
  "stream-seconds": { type: "string", default: "10" },
  "overload-limit": { type: "string", default: "64" },
  "soak-seconds": { type: "string", default: "300" },
  "soak-sample-seconds": { type: "string", default: "10" },
  phases: { type: "string", default: "sequential,concurrent,autocannon,fanout,streams,overload" },
  json: { type: "boolean", default: false },
} as const;

/** The flags that hold a count or a number of seconds. */
type CountFlag =
  | "duration"
  | "rounds"
  | "round-size"
  | "fanout-clients"
  | "fanout-n"
  | "streams"
  | "stream-seconds"
  | "overload-limit"
  | "soak-seconds"
  | "soak-sample-seconds";

function parsePhases(text: string): Set<ServerBenchPhase> {
  return new Set(
    listFlag(owner, "--phases", text).map((phase) => checkOneOf(owner, "--phases", phase, serverBenchPhases)),
  );
}

/**
 * Reads and checks the flags of `npm run bench:server`: the load generator's settings, a child
 * process's role, or `undefined` for `--help`, whose text is `serverBenchUsage`.
 *
 * @throws ConfigError naming the flag and the value: an unknown flag or phase (listing the phases), a count
 *   or a number of seconds below 1 or not an integer (`--rounds 0`, `--duration abc`), more fan-out samples
 *   than the proxy allows, more streams than it takes at once, a soak sampled less than twice after its warm-up.
 * @example
 * const options = parseServerBenchOptions(process.argv.slice(2));
 */
export function parseServerBenchOptions(
  argv: readonly string[],
): ServerBenchOptions | ServerBenchChild | undefined {
  const values = parseFlags(owner, argv, optionSpecs);
  if (values.help === true) return undefined;
  if (values.role !== undefined) {
    const role = checkOneOf(owner, "--role", values.role, ["fake", "proxy"]);
    if (role === "fake") return { role };
    if (values.config === undefined || values.config === "") {
      throw new ConfigError(`${owner}: --role proxy needs --config <file>`, { field: "--config" });
    }
    return { role, config: values.config };
  }
  const count = (flag: CountFlag, bounds: { minimum: number; maximum?: number }) =>
    checkInteger(owner, `--${flag}`, numericFlag(values[flag]), bounds);
  const phases = parsePhases(values.phases);
  const duration = count("duration", { minimum: 1 });
  const rounds = count("rounds", { minimum: 1 });
  const roundSize = count("round-size", { minimum: 1 });
  const fanoutClients = count("fanout-clients", { minimum: 1 });
  const fanoutN = count("fanout-n", { minimum: 1, maximum: serverBenchMaxSamples });
  const streams = count("streams", { minimum: 1, maximum: serverBenchMaxInFlight });
  const streamSeconds = count("stream-seconds", { minimum: 1 });
  const overloadLimit = count("overload-limit", { minimum: 1 });
  const soakSeconds = count("soak-seconds", { minimum: 3 });
  const soakSampleSeconds = count("soak-sample-seconds", { minimum: 1 });
  // At least two samples after the first fifth (the warm-up, which the drift leaves out).
  checkInteger(owner, "--soak-sample-seconds", soakSampleSeconds, {
    maximum: Math.floor(soakSeconds / 3),
    expected: `an integer from 1 to a third of --soak-seconds (${Math.floor(soakSeconds / 3)})`,
  });
  return {
    role: "load",
    phases,
    duration,
    rounds,
    roundSize,
    fanoutClients,
    fanoutN,
    streams,
    streamSeconds,
    overloadLimit,
    soakSeconds,
    soakSampleSeconds,
    json: values.json,
  };
}
