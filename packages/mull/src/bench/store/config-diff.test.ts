import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  canonicalJson,
  configDiff,
  configHash,
  formatConfigChanges,
  recordedHashMatches,
} from "./config-diff.ts";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("config hashing and diffing", () => {
  it("hashes equal configs equally whatever their key order, and different configs differently", () => {
    const a = { seed: 1, sampling: { temperature: 0.7, topP: 1 }, strategies: ["sc@8"] };
    const b = { strategies: ["sc@8"], sampling: { topP: 1, temperature: 0.7 }, seed: 1, extra: undefined };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(configHash(a)).toBe(configHash(b));
    expect(configHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(configHash({ ...a, seed: 2 })).not.toBe(configHash(a));
    expect(configHash({ ...a, strategies: ["sc@8", "greedy"] })).not.toBe(configHash(a));
  });

  it("lists changed, added and removed fields by dotted path", () => {
    const stored = {
      seed: 1,
      sampling: { temperature: 0.7, maxTokens: 256 },
      backend: { model: "m1" },
      strategies: ["sc@8"],
    };
    const requested = {
      seed: 1,
      sampling: { temperature: 1, topP: 0.9 },
      backend: { model: "m2" },
      strategies: ["sc@16"],
    };
    const changes = configDiff(stored, requested);
    expect(changes).toEqual([
      { field: "backend.model", stored: "m1", requested: "m2" },
      { field: "sampling.maxTokens", stored: 256, requested: undefined },
      { field: "sampling.temperature", stored: 0.7, requested: 1 },
      { field: "sampling.topP", stored: undefined, requested: 0.9 },
      { field: "strategies", stored: ["sc@8"], requested: ["sc@16"] },
    ]);
    expect(configDiff(stored, structuredClone(stored))).toEqual([]);
    expect(formatConfigChanges(changes)).toBe(
      [
        '  backend.model: "m1" → "m2"',
        "  sampling.maxTokens: 256 → (absent)",
        "  sampling.temperature: 0.7 → 1",
        "  sampling.topP: (absent) → 0.9",
        '  strategies: ["sc@8"] → ["sc@16"]',
      ].join("\n"),
    );
  });

  it("tells null apart from an absent field", () => {
    expect(configDiff({ limit: null }, {})).toEqual([{ field: "limit", stored: null, requested: undefined }]);
  });

  it("hashes a field holding an empty object as an absent one, as configDiff sees it", () => {
    expect(configHash({ seed: 1, budget: {} })).toBe(configHash({ seed: 1 }));
    expect(configDiff({ seed: 1, budget: {} }, { seed: 1 })).toEqual([]);
    // Empty all the way down, or empty but for undefined fields: still no field.
    expect(configHash({ seed: 1, sampling: { extra: {}, topP: undefined } })).toBe(configHash({ seed: 1 }));
    expect(configHash({ seed: 1, budget: { maxCalls: 4 } })).not.toBe(configHash({ seed: 1 }));
    // Arrays are kept whole, as configDiff compares them.
    expect(configHash({ routes: [{}] })).not.toBe(configHash({ routes: [] }));
  });

  it("hashes a configuration without empty objects as earlier versions did: SHA-256 of its canonical JSON", () => {
    const config = { strategies: ["sc@8"], sampling: { temperature: 0.7 }, seed: 1 };
    expect(configHash(config)).toBe(
      sha256('{"sampling":{"temperature":0.7},"seed":1,"strategies":["sc@8"]}'),
    );
  });

  it("accepts a recorded hash that kept empty objects when it vouches for the stored configuration", () => {
    const stored = { seed: 1, budget: {} };
    // What earlier versions recorded for it.
    const recorded = sha256('{"budget":{},"seed":1}');
    expect(recorded).not.toBe(configHash(stored));
    expect(recordedHashMatches(recorded, stored, configHash({ seed: 1 }))).toBe(true);
    expect(recordedHashMatches(recorded, stored, configHash({ seed: 1, budget: {} }))).toBe(true);
    expect(recordedHashMatches(recorded, stored, configHash({ seed: 2 }))).toBe(false);
    // Today's hash matches by itself; a hash of some other configuration vouches for nothing.
    expect(recordedHashMatches(configHash(stored), stored, configHash({ seed: 1 }))).toBe(true);
    expect(recordedHashMatches(sha256('{"seed":2}'), stored, configHash({ seed: 1 }))).toBe(false);
  });
});
