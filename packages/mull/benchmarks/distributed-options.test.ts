import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/errors/index.ts";
import { distributedUsage, parseDistributedOptions } from "./distributed-options.ts";

/** The ConfigError `parseDistributedOptions(argv, {})` throws, as its field and message. */
function refusal(argv: readonly string[]): { field: string | undefined; message: string } | undefined {
  try {
    parseDistributedOptions(argv, {});
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    return { field: error.field, message: error.message };
  }
  return undefined;
}

describe("parseDistributedOptions", () => {
  it("reads the defaults, without and with the environment's Redis and store", () => {
    expect(parseDistributedOptions([], {})).toEqual({
      problems: 80,
      killProblems: 160,
      kills: 10,
      redis: "redis://127.0.0.1:6379",
      store: undefined,
      json: false,
    });
    expect(
      parseDistributedOptions([], {
        MULL_TEST_REDIS_URL: "redis://queue-host:6380",
        MULL_BENCH_STORE: "postgres://mull:secret@db:5432/runs",
      }),
    ).toMatchObject({ redis: "redis://queue-host:6380", store: "postgres://mull:secret@db:5432/runs" });
    expect(parseDistributedOptions([], { MULL_TEST_REDIS_URL: "", MULL_BENCH_STORE: "" })).toMatchObject({
      redis: "redis://127.0.0.1:6379",
      store: undefined,
    });
  });

  it("reads the flags given, the flags over the environment", () => {
    expect(
      parseDistributedOptions(
        [
          "--problems",
          "200",
          "--kill-problems",
          "40",
          "--kills",
          "3",
          "--redis",
          "rediss://:pw@cache:6379/2",
          "--store",
          "",
          "--json",
        ],
        { MULL_BENCH_STORE: "postgres://mull@db/runs" },
      ),
    ).toEqual({
      problems: 200,
      killProblems: 40,
      kills: 3,
      redis: "rediss://:pw@cache:6379/2",
      store: undefined,
      json: true,
    });
  });

  it("answers --help and -h with undefined, the usage listing every flag with its default", () => {
    expect(parseDistributedOptions(["--help"], {})).toBeUndefined();
    expect(parseDistributedOptions(["-h"], {})).toBeUndefined();
    for (const text of [
      "--problems <count>",
      "(default 80)",
      "--kill-problems <count>",
      "(default 160)",
      "--kills <count>",
      "(default 10)",
      "--redis <url>",
      "$MULL_TEST_REDIS_URL, else redis://127.0.0.1:6379",
      "--store <url>",
      "$MULL_BENCH_STORE",
      "--json",
    ]) {
      expect(distributedUsage).toContain(text);
    }
  });

  it("names the flag and the value of a bad argument, a password never shown", () => {
    const cases: readonly [readonly string[], string, string][] = [
      [["--bogus"], "--bogus", "bench:distributed: unknown option --bogus (--help lists the options)"],
      [["--kills", "abc"], "--kills", 'bench:distributed: --kills must be an integer ≥ 1, got "abc"'],
      [["--kills", "0"], "--kills", "bench:distributed: --kills must be an integer ≥ 1, got 0"],
      [["--problems", "0"], "--problems", "bench:distributed: --problems must be an integer ≥ 1, got 0"],
      [
        ["--kill-problems", "1.5"],
        "--kill-problems",
        "bench:distributed: --kill-problems must be an integer ≥ 1, got 1.5",
      ],
      [
        ["--redis", "http://user:hunter2@cache"],
        "--redis",
        'bench:distributed: --redis "http://user:***@cache/": expected a Redis URL such as redis://127.0.0.1:6379',
      ],
      [
        ["--store", "mysql://mull:hunter2@db/runs"],
        "--store",
        'bench:distributed: --store "mysql://mull:***@db/runs": expected a PostgreSQL URL such as ' +
          "postgres://user:password@host:5432/database (leave --store out for a run directory)",
      ],
    ];
    for (const [argv, field, message] of cases) {
      expect(refusal(argv), argv.join(" ")).toEqual({ field, message });
    }
  });
});
