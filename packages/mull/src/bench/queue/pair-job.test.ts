import { describe, expect, it } from "vitest";
import { pairJobId } from "./pair-job.ts";
import { queueConnection } from "./queue-connection.ts";

describe("pairJobId", () => {
  it("is the same for the same pair and differs between pairs, in a form BullMQ accepts", () => {
    const id = pairJobId("run-20260101T000000Z-abc123", "gsm8k:17", "sc@8@t1.0");
    expect(id).toBe(pairJobId("run-20260101T000000Z-abc123", "gsm8k:17", "sc@8@t1.0"));
    expect(id).toMatch(/^pair-[0-9a-f]{40}$/);
    expect(id).not.toBe(pairJobId("run-20260101T000000Z-abc123", "gsm8k:17", "sc@8@t0.5"));
    expect(id).not.toBe(pairJobId("run-20260101T000000Z-abc124", "gsm8k:17", "sc@8@t1.0"));
    // No ambiguity from joining: ("a,b", "c") and ("a", "b,c") are different pairs.
    expect(pairJobId("r", "a,b", "c")).not.toBe(pairJobId("r", "a", "b,c"));
  });
});

describe("queueConnection", () => {
  it("takes redis:// and rediss:// URLs, for BullMQ's blocking workers", () => {
    expect(queueConnection("redis://127.0.0.1:6379")).toEqual({
      url: "redis://127.0.0.1:6379",
      maxRetriesPerRequest: null,
    });
    expect(queueConnection("rediss://cache.example:6380").url).toBe("rediss://cache.example:6380");
  });

  it("refuses other URLs, naming the flag", () => {
    expect(() => queueConnection("http://127.0.0.1:6379")).toThrow(
      "--queue: expected a redis:// or rediss:// URL, got http://127.0.0.1:6379",
    );
    expect(() => queueConnection("127.0.0.1:6379")).toThrow(/--queue: expected a/);
  });
});
