import { describe, expect, it } from "vitest";
import { describeValue } from "./describe-value.ts";

describe("describeValue", () => {
  it("writes what JSON can say as compact JSON, so a string reads as one", () => {
    expect(describeValue("4")).toBe('"4"');
    expect(describeValue(4)).toBe("4");
    expect(describeValue(null)).toBe("null");
    expect(describeValue(false)).toBe("false");
    expect(describeValue({ kind: "draft", tokens: [1, 2] })).toBe('{"kind":"draft","tokens":[1,2]}');
    expect(describeValue([])).toBe("[]");
  });

  it("writes what JSON cannot say as JavaScript does, instead of null or nothing", () => {
    expect(describeValue(Number.NaN)).toBe("NaN");
    expect(describeValue(Number.POSITIVE_INFINITY)).toBe("Infinity");
    expect(describeValue(Number.NEGATIVE_INFINITY)).toBe("-Infinity");
    expect(describeValue(-0)).toBe("-0");
    expect(describeValue(10n)).toBe("10n");
    expect(describeValue(undefined)).toBe("undefined");
    expect(describeValue(Symbol("seed"))).toBe("Symbol(seed)");
    expect(describeValue(function now() {})).toBe("[Function: now]");
    expect(describeValue(() => 1)).toBe("[Function (anonymous)]");
    expect(describeValue({ seed: Number.NaN, limit: 3n, watch: undefined })).toBe(
      '{"seed":NaN,"limit":3n,"watch":undefined}',
    );
    expect(describeValue(new Date(Date.UTC(2024, 0, 2)))).toBe("2024-01-02T00:00:00.000Z");
    expect(describeValue(new AbortController().signal)).toBe("AbortSignal {}");
  });

  it("cuts a long value at 80 characters, without rendering all of a huge one", () => {
    const long = describeValue("x".repeat(10_000_000));
    expect(long).toBe(`"${"x".repeat(76)}...`);
    expect(long).toHaveLength(80);
    const array = describeValue(Array.from({ length: 1_000_000 }, (_, index) => index));
    expect(array).toHaveLength(80);
    expect(array.startsWith("[0,1,2,3,")).toBe(true);
    expect(array.endsWith("...")).toBe(true);
    const exact = "y".repeat(78);
    expect(describeValue(exact)).toBe(`"${exact}"`);
  });

  it("never throws: a cycle is marked, and a value that cannot be read is said to be so", () => {
    const cycle: Record<string, unknown> = { name: "a" };
    cycle.self = cycle;
    expect(describeValue(cycle)).toBe('{"name":"a","self":[Circular]}');
    const shared = { n: 1 };
    expect(describeValue([shared, shared])).toBe('[{"n":1},{"n":1}]');
    const hostile = {
      get secret(): never {
        throw new Error("no");
      },
    };
    expect(describeValue(hostile)).toBe("a value that cannot be shown");
  });
});
