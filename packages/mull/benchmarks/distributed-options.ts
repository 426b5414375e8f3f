import { parseRunLocation, redactUrl } from "../src/bench/store/index.ts";
import { ConfigError } from "../src/errors/index.ts";
import { checkInteger, numericFlag, parseFlags } from "../src/runtime/index.ts";

const owner = "bench:distributed";

/** The Redis of `--redis` when neither the flag nor $MULL_TEST_REDIS_URL gives one. */
export const defaultDistributedRedis = "redis://127.0.0.1:6379";

/** What `npm run bench:distributed -- --help` prints. */
export const distributedUsage = `Usage: npm run bench:distributed -- [options]

mull bench --queue with 1, 2 and 4 mull worker processes against a fake upstream (200 ± 50 ms a call),
then random kill -9 of workers; checks its targets and exits 1 naming each one missed.

Options:
  --problems <count>        problems of the scaling runs, an integer >= 1 (default 80)
  --kill-problems <count>   problems of the kill run, an integer >= 1 (default 160)
  --kills <count>           workers killed with SIGKILL in the kill run, an integer >= 1 (default 10)
  --redis <url>             the Redis of the queues (default $MULL_TEST_REDIS_URL, else ${defaultDistributedRedis})
  --store <url>             a PostgreSQL database for the queued runs, in a fresh schema dropped at the end
                            (default $MULL_BENCH_STORE, else SQLite run directories in a temporary folder)
  --json                    print the figures as JSON
  -h, --help                print this help
`;

/** The settings of `npm run bench:distributed`, checked. */
export interface DistributedOptions {
  readonly problems: number;
  readonly killProblems: number;
  readonly kills: number;
  readonly redis: string;
  /** A PostgreSQL URL, or `undefined` for SQLite run directories. */
  readonly store: string | undefined;
  readonly json: boolean;
}

/**
 * Reads and checks the flags of `npm run bench:distributed`, with `--redis` and `--store` defaulting to
 * $MULL_TEST_REDIS_URL and $MULL_BENCH_STORE of `environment`; `undefined` for `--help`, whose text is
 * `distributedUsage`. Whether the Redis and the database answer is for the caller to check.
 *
 * @throws ConfigError naming the flag and the value: an unknown flag, a count below 1 or not an integer
 *   (`--kills abc`: no kill would be made and the kill check would pass vacuously), a `--redis` that is not
 *   a redis:// or rediss:// URL, a `--store` that is not a PostgreSQL URL (its password redacted).
 * @example
 * const options = parseDistributedOptions(process.argv.slice(2));
 */
export function parseDistributedOptions(
  argv: readonly string[],
  environment: NodeJS.ProcessEnv = process.env,
): DistributedOptions | undefined {
  const values = parseFlags(owner, argv, {
    help: { type: "boolean", short: "h" },
    problems: { type: "string", default: "80" },
    "kill-problems": { type: "string", default: "160" },
    kills: { type: "string", default: "10" },
    redis: { type: "string", default: environment.MULL_TEST_REDIS_URL || defaultDistributedRedis },
    store: { type: "string", default: environment.MULL_BENCH_STORE ?? "" },
    json: { type: "boolean", default: false },
  });
  if (values.help === true) return undefined;
  const problems = checkInteger(owner, "--problems", numericFlag(values.problems), { minimum: 1 });
  const killProblems = checkInteger(owner, "--kill-problems", numericFlag(values["kill-problems"]), {
    minimum: 1,
  });
  const kills = checkInteger(owner, "--kills", numericFlag(values.kills), { minimum: 1 });
  if (!/^rediss?:\/\/[^/\s]/.test(values.redis)) {
    throw new ConfigError(
      `${owner}: --redis ${JSON.stringify(redactUrl(values.redis))}: expected a Redis URL such as ${defaultDistributedRedis}`,
      { field: "--redis" },
    );
  }
  const store = values.store === "" ? undefined : values.store;
  if (store !== undefined) {
    try {
      parseRunLocation("distributed", store);
    } catch (error) {
      if (!ConfigError.isInstance(error)) throw error;
      throw new ConfigError(`${owner}: ${error.message}`, { field: "--store", cause: error });
    }
  }
  return { problems, killProblems, kills, redis: values.redis, store, json: values.json };
}
