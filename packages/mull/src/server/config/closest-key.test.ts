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
});
