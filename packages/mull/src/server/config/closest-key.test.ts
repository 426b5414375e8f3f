import { describe, expect, it } from "vitest";
import { closestKey } from "./closest-key.ts";

const upstreamKeys = ["name", "kind", "baseUrl", "apiKeyEnv", "models", "concurrency", "port"];

describe("closestKey", () => {
  it.each([
    ["baseURL", "baseUrl"],
    ["base_url", "baseUrl"],
    ["concurency", "concurrency"],
    ["prot", "port"],
    ["nam", "name"],
    ["model", "models"],
    ["apiKey", "apiKeyEnv"],
  ])("takes %s for %s", (key, meant) => {
    expect(closestKey(key, upstreamKeys)).toBe(meant);
  });

  it.each(["colour", "url", "timeout", "env"])("suggests nothing for %s, which is not close", (key) => {
    expect(closestKey(key, upstreamKeys)).toBeUndefined();
  });

  it("allows a key of four characters one edit only", () => {
    // Two substitutions from "name".
    expect(closestKey("nxmx", upstreamKeys)).toBeUndefined();
    expect(closestKey("nxme", upstreamKeys)).toBe("name");
  });

  it("takes the first known key among equally close ones", () => {
    expect(closestKey("abcd", ["abce", "abcf"])).toBe("abce");
  });

  it("takes a known key that a key of four characters begins, or one a key begins with", () => {
    expect(closestKey("base", upstreamKeys)).toBe("baseUrl");
    expect(closestKey("apiKeyEnvVar", upstreamKeys)).toBe("apiKeyEnv");
  });

  it("takes no known key under four characters as the beginning of a longer one", () => {
    expect(closestKey("portal", ["por"])).toBeUndefined();
  });

  it("ignores every separator, however many", () => {
    expect(closestKey("key_tokens_per_minute", ["keyTokensPerMinute"])).toBe("keyTokensPerMinute");
    expect(closestKey("key-tokens-per-minute", ["keyTokensPerMinute"])).toBe("keyTokensPerMinute");
  });
});
