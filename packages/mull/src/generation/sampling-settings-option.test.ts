import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError } from "../errors/index.ts";
import { parseOptions } from "../runtime/index.ts";
import { samplingSettingsOption } from "./sampling-settings-option.ts";

const options = z.strictObject({ sampling: samplingSettingsOption.optional() });

/** The error `parseOptions` throws for `sampling`, or `undefined` when it takes it. */
function refusal(sampling: unknown): ConfigError | undefined {
  try {
    parseOptions(options, { sampling }, "solve");
    return undefined;
  } catch (error) {
    expect(ConfigError.isInstance(error)).toBe(true);
    return error as ConfigError;
  }
}

describe("samplingSettingsOption", () => {
  it("refuses a maxTokens that is not an integer ≥ 1, naming sampling.maxTokens and the value", () => {
    for (const [value, shown] of [
      [-1, "-1"],
      [0, "0"],
      [1.5, "1.5"],
      ["8", '"8"'],
    ] as const) {
      const error = refusal({ maxTokens: value });
      expect(error?.field).toBe("sampling.maxTokens");
      expect(error?.message).toBe(`solve: sampling.maxTokens must be an integer ≥ 1, got ${shown}`);
    }
  });

  it("takes a maxTokens of 1 or more, or none", () => {
    expect(refusal({ maxTokens: 1 })).toBeUndefined();
    expect(refusal({ maxTokens: 512, temperature: 0.7 })).toBeUndefined();
    expect(refusal({})).toBeUndefined();
    expect(refusal(undefined)).toBeUndefined();
  });
});
