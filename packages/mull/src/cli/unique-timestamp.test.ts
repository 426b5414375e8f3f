import { describe, expect, it } from "vitest";
import { uniqueTimestamp } from "./unique-timestamp.ts";

describe("uniqueTimestamp", () => {
  it("gives two names made in the same millisecond different values, both with the time to the millisecond", () => {
    const now = new Date("2026-12-05T23:24:38.123Z");
    const first = uniqueTimestamp(now);
    const second = uniqueTimestamp(now);
    expect(first).not.toBe(second);
    for (const name of [first, second]) {
      expect(name.startsWith(`20261205-232438-123-${process.pid}`)).toBe(true);
    }
    expect(second).toMatch(new RegExp(`^20261205-232438-123-${process.pid}-\\d+$`));
  });

  it("sorts by time as text, across seconds, milliseconds and days", () => {
    const times = [
      "2026-12-05T23:24:38.123Z",
      "2026-12-05T23:24:38.124Z",
      "2026-12-05T23:24:39.001Z",
      "2026-12-06T00:00:00.000Z",
    ];
    const names = times.map((time) => uniqueTimestamp(new Date(time)));
    expect([...names].sort()).toEqual(names);
    expect(names[0]).toMatch(/^20261205-232438-123-/);
    expect(names[3]).toMatch(/^20261206-000000-000-/);
  });
});
