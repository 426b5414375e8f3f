import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import type { Strategy } from "../../spec/index.ts";
import { findStrategyEntry, type StrategyEntry } from "../../strategies/index.ts";
import { routeSize } from "./route-size.ts";

function sizeOf(spec: string): string {
  const match = findStrategyEntry(spec);
  if (match?.values === undefined) throw new Error(`not a well-formed spec: ${spec}`);
  return routeSize(match.entry, match.values, match.form);
}

const builtStrategy = { name: "route-test" } as unknown as Strategy;

/** A routing entry built by `create`. */
function routingEntry(create: StrategyEntry["create"]): StrategyEntry {
  return {
    forms: ["route-test@N"],
    kind: "routing",
    summary: "a router for tests",
    needs: ["models"],
    create,
  };
}

/** A routing entry whose factory refuses, for their models, the routes whose length `refuse` picks. */
function refusingEntry(refuse: (length: number) => boolean): StrategyEntry {
  return routingEntry((_values, { models }) => {
    if (refuse(models.length)) throw new ConfigError("routeTest: models refused", { field: "models" });
    return builtStrategy;
  });
}

describe("routeSize", () => {
  it.each([
    ["bild@0.5", "exactly two"],
    ["bild@0.5x0.2", "exactly two"],
    ["glimp@0.6", "exactly two"],
    ["glimp@0.6k4h2", "exactly two"],
    ["cascade@4", "two or more"],
    ["cascade@4x16t0.5", "two or more"],
    ["cascade-mass@2x8", "two or more"],
  ])("reads %s's route from its factory: %s", (spec, size) => {
    expect(sizeOf(spec)).toBe(size);
  });

  it("takes exactly two only where three are refused for their models and two are not", () => {
    const values = { N: 1 };
    expect(
      routeSize(
        refusingEntry((length) => length !== 2),
        values,
        "route-test@N",
      ),
    ).toBe("exactly two");
    expect(
      routeSize(
        refusingEntry(() => false),
        values,
        "route-test@N",
      ),
    ).toBe("two or more");
    // A factory that refuses any route says nothing about its length.
    expect(
      routeSize(
        refusingEntry(() => true),
        values,
        "route-test@N",
      ),
    ).toBe("two or more");
  });

  it("takes a factory that refuses for another field, or calls its models while built, as a chain", () => {
    const otherField = routingEntry(() => {
      throw new ConfigError("routeTest: threshold refused", { field: "threshold" });
    });
    const calling = routingEntry((_values, { models }) => {
      models[0]?.backend.describe();
      return builtStrategy;
    });
    expect(routeSize(otherField, { N: 1 }, "route-test@N")).toBe("two or more");
    expect(routeSize(calling, { N: 1 }, "route-test@N")).toBe("two or more");
  });
});
