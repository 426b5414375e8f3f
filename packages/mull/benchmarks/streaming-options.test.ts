import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/errors/index.ts";
import { parseStreamingOptions, streamingUsage } from "./streaming-options.ts";

/** The ConfigError `parseStreamingOptions(argv)` throws, as its field and message. */
function refusal(argv: readonly string[]): { field: string | undefined; message: string } | undefined {
  try {
    parseStreamingOptions(argv);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    return { field: error.field, message: error.message };
  }
  return undefined;
}

describe("parseStreamingOptions", () => {
  it("reads the defaults and the flags given", () => {
    expect(parseStreamingOptions([])).toEqual({
      rounds: 5,
      tokenMilliseconds: 15,
      firstTokenMilliseconds: 100,
      strategies: ["sc@8", "sc@16", "asc@16", "pasc@16"],
      json: false,
    });
    expect(
      parseStreamingOptions([
        "--rounds",
        "2",
        "--token-ms",
        "0",
        "--first-token-ms",
        "2.5",
        "--strategies",
        " sc@4 ,greedy",
        "--json",
      ]),
    ).toEqual({
      rounds: 2,
      tokenMilliseconds: 0,
      firstTokenMilliseconds: 2.5,
      strategies: ["sc@4", "greedy"],
      json: true,
    });
  });

  it("answers --help and -h with undefined, the usage listing every flag with its default", () => {
    expect(parseStreamingOptions(["--help"])).toBeUndefined();
    expect(parseStreamingOptions(["-h"])).toBeUndefined();
    for (const text of [
      "--rounds <count>",
      "(default 5)",
      "--token-ms",
      "(default 15)",
      "--first-token-ms",
      "(default 100)",
      "--strategies",
      "(default sc@8,sc@16,asc@16,pasc@16)",
      "--json",
    ]) {
      expect(streamingUsage).toContain(text);
    }
  });

  it("names the flag and the value of a bad argument", () => {
    const cases: readonly [readonly string[], string, string][] = [
      [["--bogus"], "--bogus", "bench:streaming: unknown option --bogus (--help lists the options)"],
      [["--rounds", "0"], "--rounds", "bench:streaming: --rounds must be an integer ≥ 1, got 0"],
      [["--rounds", "abc"], "--rounds", 'bench:streaming: --rounds must be an integer ≥ 1, got "abc"'],
      [["--rounds", "1.5"], "--rounds", "bench:streaming: --rounds must be an integer ≥ 1, got 1.5"],
      [["--token-ms=-1"], "--token-ms", "bench:streaming: --token-ms must be a number ≥ 0, got -1"],
      [
        ["--first-token-ms", "soon"],
        "--first-token-ms",
        'bench:streaming: --first-token-ms must be a number ≥ 0, got "soon"',
      ],
      [
        ["--strategies", "sc@8,,asc@16"],
        "--strategies",
        'bench:streaming: --strategies: the second item of "sc@8,,asc@16" is empty; expected a comma-separated list without empty items',
      ],
    ];
    for (const [argv, field, message] of cases) {
      expect(refusal(argv), argv.join(" ")).toEqual({ field, message });
    }
    expect(refusal(["--rounds"])?.message).toBe(
      "bench:streaming: --rounds expects a value; got nothing (--help lists the options)",
    );
  });

  it("refuses a strategy spec the server could not run, before any server starts", () => {
    const unknown = refusal(["--strategies", "sc@8,bogus@3"]);
    expect(unknown?.field).toBe("--strategies");
    expect(unknown?.message).toMatch(
      /^bench:streaming: --strategies: unknown spec "bogus@3"; expected one of /,
    );
    expect(refusal(["--strategies", "sc@0"])?.message).toMatch(/^bench:streaming: --strategies: .*"sc@0"/);
    expect(refusal(["--strategies", "bon@8"])?.field).toBe("--strategies");
  });
});
