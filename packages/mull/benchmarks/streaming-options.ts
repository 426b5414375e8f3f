import { ConfigError } from "../src/errors/index.ts";
import { checkInteger, checkNumber, listFlag, numericFlag, parseFlags } from "../src/runtime/index.ts";
import { parseStrategySpec } from "../src/strategies/index.ts";

const owner = "bench:streaming";

/** What `npm run bench:streaming -- --help` prints. */
export const streamingUsage = `Usage: npm run bench:streaming -- [options]

Streamed strategy requests through mull serve against a fake upstream: time to first byte, first progress
event, first answer token and total, medians of the rounds.

Options:
  --rounds <count>          streamed requests per strategy, one at a time, an integer >= 1 (default 5)
  --token-ms <ms>           the upstream's delay per token, a number >= 0 (default 15)
  --first-token-ms <ms>     the upstream's delay before a sample's first token, a number >= 0 (default 100)
  --strategies <list>       strategy specs, comma-separated, each served without a scorer or process
                            reward model (default sc@8,sc@16,asc@16,pasc@16)
  --json                    print the figures as JSON
  -h, --help                print this help
`;

/** The settings of `npm run bench:streaming`, checked. */
export interface StreamingOptions {
  readonly rounds: number;
  readonly tokenMilliseconds: number;
  readonly firstTokenMilliseconds: number;
  /** The strategy specs as written, trimmed. */
  readonly strategies: readonly string[];
  readonly json: boolean;
}

const optionSpecs = {
  help: { type: "boolean", short: "h" },
  rounds: { type: "string", default: "5" },
  "token-ms": { type: "string", default: "15" },
  "first-token-ms": { type: "string", default: "100" },
  strategies: { type: "string", default: "sc@8,sc@16,asc@16,pasc@16" },
  json: { type: "boolean", default: false },
} as const;

/**
 * The strategy specs of `--strategies`, each one a spec the benchmark's server can run: the server parses
 * them the same way, with no scorer, process reward model or second model configured, so a spec refused
 * here would only come back as a 400 after the server had started.
 */
function parseStrategies(text: string): string[] {
  const names = listFlag(owner, "--strategies", text);
  for (const name of names) {
    try {
      parseStrategySpec(name);
    } catch (error) {
      if (!ConfigError.isInstance(error)) throw error;
      throw new ConfigError(`${owner}: --strategies: ${error.message.replace(/^strategy: /, "")}`, {
        field: "--strategies",
        cause: error,
      });
    }
  }
  return names;
}

/**
 * Reads and checks the flags of `npm run bench:streaming`; `undefined` for `--help`, whose text is
 * `streamingUsage`.
 *
 * @throws ConfigError naming the flag and the value: an unknown flag, rounds below 1 or not an integer
 *   (`--rounds abc`), a negative or non-numeric delay, an empty or unknown strategy spec (`bogus@3`), or
 *   one that needs a scorer, a process reward model or a second model.
 * @example
 * const options = parseStreamingOptions(process.argv.slice(2));
 */
export function parseStreamingOptions(argv: readonly string[]): StreamingOptions | undefined {
  const values = parseFlags(owner, argv, optionSpecs);
  if (values.help === true) return undefined;
  return {
    rounds: checkInteger(owner, "--rounds", numericFlag(values.rounds), { minimum: 1 }),
    tokenMilliseconds: checkNumber(owner, "--token-ms", numericFlag(values["token-ms"]), { minimum: 0 }),
    firstTokenMilliseconds: checkNumber(owner, "--first-token-ms", numericFlag(values["first-token-ms"]), {
      minimum: 0,
    }),
    strategies: parseStrategies(values.strategies),
    json: values.json,
  };
}
