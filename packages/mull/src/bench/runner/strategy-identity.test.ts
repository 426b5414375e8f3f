import { describe, expect, it } from "vitest";
import type { OutcomeScorer } from "../../spec/index.ts";
import { parseStrategySpec } from "../../strategies/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import { strategyIdentity } from "./strategy-identity.ts";

const scorer: OutcomeScorer = { name: "checker", score: async () => ({ scores: [], calls: 0 }) };
const resolveModel = (name: string) => createScriptedBackend({ responses: ["#### 1"], model: name });

function identity(spec: string, route?: readonly string[]): string {
  return strategyIdentity(
    spec,
    parseStrategySpec(spec, { scorer, resolveModel, defaultRoute: route }),
    route,
  );
}

describe("strategyIdentity", () => {
  it("writes an architecture's default majority vote out, and keeps an explicit answering layer", () => {
    expect(identity("gen@2")).toBe("gen@2+vote");
    expect(identity("gen@2+vote")).toBe("gen@2+vote");
    expect(identity("gen@2+verify")).toBe("gen@2+verify+vote");
    expect(identity("gen@2+verify@0.5+vote")).toBe("gen@2+verify+vote");
    expect(identity("gen@2+first")).toBe("gen@2+first");
    expect(identity("gen@2(Small)")).toBe("gen@2(Small)+vote");
  });

  it("names a catalog strategy by its parsed name, aliases and default options folded in", () => {
    expect(identity("maj@4")).toBe("sc@4");
    expect(identity("sc@4")).toBe("sc@4");
    expect(identity("asc(maj@8)")).toBe("asc@8");
    expect(identity("asc@8t0.95")).toBe("asc@8");
    expect(identity("rs@4")).toBe("rs@4");
    expect(identity("asc@8d")).toBe("asc@8d");
    expect(identity("accept@4t0.5")).toBe("accept@4");
    expect(identity("accept@4t0.9")).toBe("accept@4t0.9");
  });

  it("adds the route of a routing strategy, so that different routes stay different", () => {
    expect(identity("cascade@8", ["small", "large"])).toBe("cascade@8:small>large");
    expect(identity("cascade@8", ["small", "Large"])).toBe("cascade@8:small>Large");
  });
});
