import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/errors/index.ts";
import { parseServerBenchOptions, serverBenchUsage } from "./server-options.ts";

/** The ConfigError `parseServerBenchOptions(argv)` throws, as its field and message. */
function refusal(argv: readonly string[]): { field: string | undefined; message: string } | undefined {
  try {
    parseServerBenchOptions(argv);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    return { field: error.field, message: error.message };
  }
  return undefined;
}

describe("parseServerBenchOptions", () => {
  it("reads the defaults: every phase but soak", () => {
    expect(parseServerBenchOptions([])).toEqual({
      role: "load",
      phases: new Set(["sequential", "concurrent", "autocannon", "fanout", "streams", "overload"]),
      duration: 10,
      rounds: 7,
      roundSize: 25,
      fanoutClients: 50,
      fanoutN: 16,
      streams: 500,
      streamSeconds: 10,
      overloadLimit: 64,
      soakSeconds: 300,
      soakSampleSeconds: 10,
      json: false,
    });
  });

  it("reads the flags given", () => {
    expect(
      parseServerBenchOptions([
        "--phases",
        " soak, sequential",
        "--duration",
        "5",
        "--rounds",
        "3",
        "--fanout-n",
        "64",
        "--streams",
        "1024",
        "--soak-seconds",
        "1800",
        "--soak-sample-seconds",
        "600",
        "--json",
      ]),
    ).toMatchObject({
      phases: new Set(["soak", "sequential"]),
      duration: 5,
      rounds: 3,
      fanoutN: 64,
      streams: 1024,
      soakSeconds: 1800,
      soakSampleSeconds: 600,
      json: true,
    });
  });

  it("reads a child process's role", () => {
    expect(parseServerBenchOptions(["--role", "fake"])).toEqual({ role: "fake" });
    expect(parseServerBenchOptions(["--role", "proxy", "--config", "/tmp/proxy.json"])).toEqual({
      role: "proxy",
      config: "/tmp/proxy.json",
    });
  });

  it("answers --help and -h with undefined, the usage listing every flag with its default", () => {
    expect(parseServerBenchOptions(["--help"])).toBeUndefined();
    expect(parseServerBenchOptions(["-h"])).toBeUndefined();
    for (const text of [
      "(default sequential,concurrent,autocannon,fanout,streams,overload)",
      "--duration <seconds>",
      "--rounds <count>",
      "--round-size",
      "--fanout-clients",
      "--fanout-n",
      "--streams",
      "--stream-seconds",
      "--overload-limit",
      "--soak-seconds",
      "--soak-sample-seconds",
      "--json",
    ]) {
      expect(serverBenchUsage).toContain(text);
    }
  });

  it("names the flag and the value of a bad argument", () => {
    const cases: readonly [readonly string[], string, string][] = [
      [["--bogus"], "--bogus", "bench:server: unknown option --bogus (--help lists the options)"],
      [
        ["--phases", "sequential", "--rounds", "0"],
        "--rounds",
        "bench:server: --rounds must be an integer ≥ 1, got 0",
      ],
      [["--duration", "abc"], "--duration", 'bench:server: --duration must be an integer ≥ 1, got "abc"'],
      [["--round-size", "2.5"], "--round-size", "bench:server: --round-size must be an integer ≥ 1, got 2.5"],
      [
        ["--fanout-n", "65"],
        "--fanout-n",
        "bench:server: --fanout-n must be an integer from 1 to 64, got 65",
      ],
      [
        ["--streams", "2000"],
        "--streams",
        "bench:server: --streams must be an integer from 1 to 1024, got 2000",
      ],
      [
        ["--soak-seconds", "30", "--soak-sample-seconds", "11"],
        "--soak-sample-seconds",
        "bench:server: --soak-sample-seconds must be an integer from 1 to a third of --soak-seconds (10), got 11",
      ],
      [["--role", "client"], "--role", 'bench:server: --role must be "fake" or "proxy", got "client"'],
      [["--role", "proxy"], "--config", "bench:server: --role proxy needs --config <file>"],
    ];
    for (const [argv, field, message] of cases) {
      expect(refusal(argv), argv.join(" ")).toEqual({ field, message });
    }
  });

  it("refuses an unknown phase, listing the known ones", () => {
    expect(refusal(["--phases", "sequential,bogus"])).toEqual({
      field: "--phases",
      message:
        'bench:server: --phases must be "sequential", "concurrent", "autocannon", "fanout", "streams", "overload" or "soak", got "bogus"',
    });
    expect(refusal(["--phases", "sequential,"])).toEqual({
      field: "--phases",
      message:
        'bench:server: --phases: the second item of "sequential," is empty; expected a comma-separated list without empty items',
    });
  });
});
