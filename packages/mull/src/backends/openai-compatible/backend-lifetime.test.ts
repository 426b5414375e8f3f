import { describe, expect, it } from "vitest";
import { createBackendLifetime } from "./backend-lifetime.ts";

/** Work that resolves with its signal's abort reason once the signal aborts. */
const untilAbort = (signal: AbortSignal) =>
  new Promise<unknown>((resolve) => signal.addEventListener("abort", () => resolve(signal.reason)));

describe("createBackendLifetime", () => {
  it("runs a call without a signal under the lifetime's own signal", async () => {
    const lifetime = createBackendLifetime();
    let given: AbortSignal | undefined;
    expect(
      await lifetime.join(undefined, async (signal) => {
        given = signal;
        return 7;
      }),
    ).toBe(7);
    expect(given).toBe(lifetime.signal);
  });

  it("aborts a joined call with its own signal's reason, leaving the lifetime and other calls running", async () => {
    const lifetime = createBackendLifetime();
    const call = new AbortController();
    const other = new AbortController();
    const otherSignals: AbortSignal[] = [];
    const joined = lifetime.join(call.signal, untilAbort);
    void lifetime.join(other.signal, async (signal) => {
      otherSignals.push(signal);
      return untilAbort(signal);
    });
    call.abort("call aborted");
    expect(await joined).toBe("call aborted");
    expect(lifetime.signal.aborted).toBe(false);
    expect(otherSignals[0]?.aborted).toBe(false);
  });

  it("aborts every running call and its own signal with the reason it ends with", async () => {
    const lifetime = createBackendLifetime();
    const running = [
      lifetime.join(new AbortController().signal, untilAbort),
      lifetime.join(undefined, untilAbort),
    ];
    lifetime.end("disposed");
    expect(await Promise.all(running)).toEqual(["disposed", "disposed"]);
    expect(lifetime.signal.reason).toBe("disposed");
  });

  it("rejects a call whose signal already aborted, without running its work", async () => {
    const lifetime = createBackendLifetime();
    let ran = false;
    const work = async () => {
      ran = true;
    };
    await expect(lifetime.join(AbortSignal.abort("too late"), work)).rejects.toBe("too late");
    expect(ran).toBe(false);
  });

  it("stops listening to a call's signal once its work settled", async () => {
    const lifetime = createBackendLifetime();
    const call = new AbortController();
    let inner: AbortSignal | undefined;
    await lifetime.join(call.signal, async (signal) => {
      inner = signal;
    });
    call.abort("after the fact");
    lifetime.end("disposed");
    // Neither the call's abort nor the end reaches a call that already finished.
    expect(inner?.aborted).toBe(false);
  });
});
