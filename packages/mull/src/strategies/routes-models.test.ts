import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../spec/index.ts";
import { routesModels } from "./routes-models.ts";

/** A trace of one run of a strategy with these parameters. */
function runOf(parameters: Record<string, unknown>): TraceEvent[] {
  return [
    { type: "run-start", id: "1", parentId: undefined, time: 0, strategy: "s", parameters, question: "?" },
  ];
}

describe("routesModels", () => {
  it("knows a routing spec by its catalog entry, with its own route or without", () => {
    expect(routesModels({ strategy: "cascade@8:lab-small>lab-large", trace: [] })).toBe(true);
    expect(routesModels({ strategy: "cascade@8", trace: [] })).toBe(true);
    expect(routesModels({ strategy: "bild@0.5:a>b", trace: [] })).toBe(true);
    expect(routesModels({ strategy: "sc@8", trace: runOf({ n: 8 }) })).toBe(false);
  });

  it("knows a routing strategy object by the models its runs' parameters name", () => {
    const strategy = { name: "x", parameters: {}, samples: 1, run: async () => ({}) as never };
    expect(routesModels({ strategy, trace: runOf({ models: ["a", "b"], threshold: 0.75 }) })).toBe(true);
    expect(routesModels({ strategy, trace: runOf({ small: "a", large: "b", threshold: 0.6 }) })).toBe(true);
    // A nested run (a router inside a wrapper) counts too.
    const nested: TraceEvent[] = [
      ...runOf({ n: 2 }),
      { ...runOf({ models: ["a", "b"] })[0]!, id: "2", parentId: "1" } as TraceEvent,
    ];
    expect(routesModels({ strategy, trace: nested })).toBe(true);
    // Sizes and lone names are not a route.
    expect(routesModels({ strategy, trace: runOf({ small: 2, large: 8 }) })).toBe(false);
    expect(routesModels({ strategy, trace: runOf({ models: ["a"] }) })).toBe(false);
    expect(routesModels({ strategy, trace: runOf({ small: "a" }) })).toBe(false);
  });
});
