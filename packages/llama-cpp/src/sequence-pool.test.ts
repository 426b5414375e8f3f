import { DisposedError } from "mull/errors";
import { describe, expect, it } from "vitest";
import { SequencePool } from "./sequence-pool.ts";

interface FakeSequence {
  readonly id: number;
  tokens: number[];
}

function pool(capacity: number) {
  let created = 0;
  return new SequencePool<FakeSequence>({
    capacity,
    create: () => ({ id: created++, tokens: [] }),
    cachedTokens: (sequence) => sequence.tokens,
    owner: "the test pool",
  });
}

describe("SequencePool", () => {
  it("creates items lazily up to its capacity, then makes callers wait", async () => {
    const sequences = pool(2);
    const first = await sequences.acquire();
    const second = sequences.tryAcquire();
    expect(second).toBeDefined();
    expect(first.item.id).not.toBe(second?.item.id);
    expect(sequences.tryAcquire()).toBeUndefined();
    expect(sequences.available).toBe(0);
    let third: FakeSequence | undefined;
    const waiting = sequences.acquire().then((lease) => {
      third = lease.item;
      return lease;
    });
    await Promise.resolve();
    expect(third).toBeUndefined();
    expect(sequences.waiting).toBe(1);
    first.release();
    first.release(); // a second release is ignored
    expect((await waiting).item).toBe(first.item);
    expect(sequences.available).toBe(0);
  });

  it("serves waiters first in, first out", async () => {
    const sequences = pool(1);
    const held = await sequences.acquire();
    const order: string[] = [];
    const a = sequences.acquire().then((lease) => {
      order.push("a");
      lease.release();
    });
    const b = sequences.acquire().then((lease) => {
      order.push("b");
      lease.release();
    });
    held.release();
    await Promise.all([a, b]);
    expect(order).toEqual(["a", "b"]);
  });

  it("prefers the idle item that caches the longest prefix, and a fresh item over an unrelated cache", async () => {
    const sequences = pool(3);
    const a = await sequences.acquire();
    const b = await sequences.acquire();
    a.item.tokens = [1, 2, 3, 4];
    b.item.tokens = [1, 2, 9];
    a.release();
    b.release();
    const match = sequences.tryAcquire([1, 2, 9, 10]);
    expect(match?.item).toBe(b.item);
    match?.release();
    const unrelated = sequences.tryAcquire([7, 7]);
    expect(unrelated?.item).not.toBe(a.item);
    expect(unrelated?.item).not.toBe(b.item);
  });

  it("reports its load (leased plus waiting) and the longest prefix an idle item caches", async () => {
    const sequences = pool(2);
    const first = await sequences.acquire();
    first.item.tokens = [1, 2, 3];
    const second = await sequences.acquire();
    second.item.tokens = [1, 9];
    expect(sequences.load).toBe(2);
    // Leased items do not count: their cache may change before the caller could use it.
    expect(sequences.cachedPrefixLength([1, 2, 3, 4])).toBe(0);
    const waiting = sequences.acquire();
    expect(sequences.load).toBe(3);
    first.release();
    (await waiting).release();
    second.release();
    expect(sequences.load).toBe(0);
    expect(sequences.cachedPrefixLength([1, 2, 3, 4])).toBe(3);
    expect(sequences.cachedPrefixLength([1, 9, 9])).toBe(2);
    expect(sequences.cachedPrefixLength([7])).toBe(0);
  });

  it("drops an aborted waiter from the queue and rejects with the signal's reason", async () => {
    const sequences = pool(1);
    const held = await sequences.acquire();
    const controller = new AbortController();
    const waiting = sequences.acquire(controller.signal);
    expect(sequences.waiting).toBe(1);
    controller.abort(new Error("gave up"));
    await expect(waiting).rejects.toThrow("gave up");
    expect(sequences.waiting).toBe(0);
    held.release();
    expect(sequences.available).toBe(1);
    await expect(sequences.acquire(AbortSignal.abort(new Error("too late")))).rejects.toThrow("too late");
  });

  it("rejects waiters and new callers with DisposedError once closed", async () => {
    const sequences = pool(1);
    const held = await sequences.acquire();
    const waiting = sequences.acquire();
    sequences.close();
    await expect(waiting).rejects.toBeInstanceOf(DisposedError);
    expect(() => sequences.tryAcquire()).toThrow(DisposedError);
    held.release();
  });
});
