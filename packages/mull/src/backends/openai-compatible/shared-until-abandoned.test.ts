import { describe, expect, it } from "vitest";
import { rejection } from "../../runtime/rejection.test-support.ts";
import { shareUntilAbandoned } from "./shared-until-abandoned.ts";

/** Work that settles only when told, and notes the signal it ran under. */
function heldWork() {
  const held: { signal?: AbortSignal; finish?: (value: string) => void } = {};
  const work = (signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      held.signal = signal;
      held.finish = resolve;
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
  return { held, work };
}

describe("shareUntilAbandoned", () => {
  it("aborts the work with the reason of the last waiting caller to abort, and says it was abandoned", async () => {
    const { held, work } = heldWork();
    const shared = shareUntilAbandoned(new AbortController().signal, work);
    const first = new AbortController();
    const second = new AbortController();
    const waits = [shared.wait(first.signal), shared.wait(second.signal)].map(rejection);
    first.abort(new Error("first"));
    await waits[0];
    expect(held.signal?.aborted).toBe(false);
    expect(shared.abandoned).toBe(false);
    const last = new Error("last");
    second.abort(last);
    expect(await waits[1]).toBe(last);
    expect(held.signal?.reason).toBe(last);
    expect(shared.abandoned).toBe(true);
  });

  it("goes on for a caller without a signal, and is not abandoned once it settled", async () => {
    const { held, work } = heldWork();
    const shared = shareUntilAbandoned(new AbortController().signal, work);
    const leaving = new AbortController();
    const left = rejection(shared.wait(leaving.signal));
    const staying = shared.wait(undefined);
    leaving.abort(new Error("gone"));
    await left;
    expect(held.signal?.aborted).toBe(false);
    held.finish?.("done");
    expect(await staying).toBe("done");
    // A caller aborting after the outcome is known aborts nothing.
    const late = new AbortController();
    const waited = shared.wait(late.signal);
    late.abort(new Error("late"));
    await waited.catch(() => undefined);
    expect(held.signal?.aborted).toBe(false);
    expect(shared.abandoned).toBe(false);
  });

  it("stops with its lifetime, though callers still wait", async () => {
    const { held, work } = heldWork();
    const lifetime = new AbortController();
    const shared = shareUntilAbandoned(lifetime.signal, work);
    const waiting = rejection(shared.wait(undefined));
    const ended = new Error("disposed");
    lifetime.abort(ended);
    expect(await waiting).toBe(ended);
    expect(held.signal?.reason).toBe(ended);
    expect(shared.abandoned).toBe(false);
  });
});
