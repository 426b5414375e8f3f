import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { parseReplayStrategies, parseReplayStrategy } from "./replay-strategy.ts";

describe("parseLogprobStrategy (through parseReplayStrategy)", () => {
  it("reads deepconf@k with its percent kept, window and measure, in any order", () => {
    expect(parseReplayStrategy("deepconf@16")).toEqual({
      name: "deepconf@16",
      kind: "deepconf",
      k: 16,
      measure: "lowest-group",
    });
    expect(parseReplayStrategy(" deepconf@64:tail:e10:w512 ")).toEqual({
      name: "deepconf@64:tail:e10:w512",
      kind: "deepconf",
      k: 64,
      keepPercent: 10,
      groupWindow: 512,
      measure: "tail",
    });
    expect(parseReplayStrategy("deepconf@8:bottom-10%:e2.5")).toMatchObject({
      measure: "bottom-10%",
      keepPercent: 2.5,
    });
  });

  it("reads rpc@k and certainty@k[:p<power>]", () => {
    expect(
      parseReplayStrategies("rpc@8,certainty@8,certainty@4:p0").map((strategy) => ({ ...strategy })),
    ).toEqual([
      { name: "rpc@8", kind: "rpc", k: 8 },
      { name: "certainty@8", kind: "certainty", k: 8 },
      { name: "certainty@4:p0", kind: "certainty", k: 4, power: 0 },
    ]);
  });

  it("names the flag, the spec and the option when an option is wrong", () => {
    expect(() => parseReplayStrategy("deepconf@8:e0")).toThrow(
      "--strategies: deepconf@8:e0: keepPercent must be a number > 0 and ≤ 100, got 0",
    );
    expect(() => parseReplayStrategy("deepconf@8:e1e2")).toThrow(
      'keepPercent must be a number > 0 and ≤ 100, got "1e2"',
    );
    expect(() => parseReplayStrategy("deepconf@8:w0")).toThrow(
      "deepconf@8:w0: window must be an integer ≥ 1, got 0",
    );
    expect(() => parseReplayStrategy("certainty@8:p-1", "--x")).toThrow(
      '--x: certainty@8:p-1: power must be a number ≥ 0, got "-1"',
    );
    const unknown = (() => {
      try {
        parseReplayStrategy("deepconf@8:tail:lowest-group");
      } catch (error) {
        return error;
      }
    })();
    expect(ConfigError.isInstance(unknown) && unknown.field).toBe("--strategies");
    expect((unknown as Error).message).toContain(
      '--strategies: deepconf@8:tail:lowest-group: ":lowest-group" is not an option of deepconf or is given twice; expected deepconf@<k>',
    );
    expect(() => parseReplayStrategy("rpc@8:e10")).toThrow('":e10" is not an option of rpc');
    expect(() => parseReplayStrategy("certainty@8:tail")).toThrow('":tail" is not an option of certainty');
    // Without a k it is no log-probability method, and the general message lists the kinds.
    expect(() => parseReplayStrategy("deepconf@x")).toThrow(
      /"deepconf@x" is not a replay strategy.*deepconf, rpc, certainty/,
    );
    expect(() => parseReplayStrategy("deepconf@0")).toThrow(
      "--strategies: deepconf@0: k must be an integer ≥ 1, got 0",
    );
  });
  it("names the spec as the user wrote it in errors, not as it was matched", () => {
    expect(() => parseReplayStrategy("DeepConf@16:E200")).toThrow(/--strategies: DeepConf@16:E200: /);
  });
});
