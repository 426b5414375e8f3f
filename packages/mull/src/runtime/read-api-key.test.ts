import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { readApiKey } from "./read-api-key.ts";

describe("readApiKey", () => {
  it("reads the named variable, and nothing when no variable is named", () => {
    expect(readApiKey("MY_KEY", { environment: { MY_KEY: "sk-1" } })).toBe("sk-1");
    expect(readApiKey(undefined, { environment: { MY_KEY: "sk-1" } })).toBeUndefined();
  });

  it("refuses a named variable that is unset or blank, naming the owner and the field", () => {
    for (const environment of [{}, { MY_KEY: "" }, { MY_KEY: "  " }]) {
      let caught: unknown;
      try {
        readApiKey("MY_KEY", { owner: "httpProcessReward", environment });
      } catch (error) {
        caught = error;
      }
      expect(ConfigError.isInstance(caught)).toBe(true);
      expect((caught as ConfigError).message).toBe(
        "httpProcessReward: apiKeyEnv names MY_KEY, which is not set in the environment",
      );
      expect((caught as ConfigError).field).toBe("apiKeyEnv");
    }
    expect(() => readApiKey("MY_KEY", { field: "--api-key-env", environment: {} })).toThrow(
      /^--api-key-env names MY_KEY, which is not set in the environment$/,
    );
  });

  it("reads process.env by default", () => {
    process.env.MULL_READ_API_KEY_TEST = "sk-env";
    try {
      expect(readApiKey("MULL_READ_API_KEY_TEST")).toBe("sk-env");
    } finally {
      delete process.env.MULL_READ_API_KEY_TEST;
    }
  });
});
