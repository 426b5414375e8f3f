import { describe, expect, it } from "vitest";
import { memoryKeyRequestRateStore } from "./key-request-rate-store.ts";

describe("memoryKeyRequestRateStore", () => {
  it("admits exactly the limit per key and per window, and does not count refusals", async () => {
    let time = 0;
    const store = memoryKeyRequestRateStore(3, () => time);
    const answers = await Promise.all(Array.from({ length: 5 }, () => store.admit("a")));
    expect(answers).toEqual([
      { admitted: true },
      { admitted: true },
      { admitted: true },
      { retryAfterSeconds: 60 },
      { retryAfterSeconds: 60 },
    ]);
    expect(await store.admit("b")).toEqual({ admitted: true });
    time = 59_500;
    expect(await store.admit("a")).toEqual({ retryAfterSeconds: 1 });
    time = 60_000;
    const next = await Promise.all(Array.from({ length: 4 }, () => store.admit("a")));
    expect(next.filter((answer) => "admitted" in answer)).toHaveLength(3);
  });
});
