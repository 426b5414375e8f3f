import { afterEach, describe, expect, it, vi } from "vitest";
import { sleep } from "./sleep.ts";

/** The timer the next `sleep` call starts. */
function timerOf(start: () => Promise<void>): { waiting: Promise<void>; timer: NodeJS.Timeout } {
  const setTimer = vi.spyOn(globalThis, "setTimeout");
  const waiting = start();
  const timer = setTimer.mock.results[0]?.value as NodeJS.Timeout;
  setTimer.mockRestore();
  return { waiting, timer };
}

describe("sleep", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("resolves after the time given", async () => {
    const started = performance.now();
    await sleep(20);
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
  });

  it("keeps the process alive while it waits, unless told `unref`", async () => {
    const held = timerOf(() => sleep(5));
    expect(held.timer.hasRef()).toBe(true);
    const unreferenced = timerOf(() => sleep(5, undefined, { unref: true }));
    expect(unreferenced.timer.hasRef()).toBe(false);
    await expect(Promise.all([held.waiting, unreferenced.waiting])).resolves.toEqual([undefined, undefined]);
  });

  it("rejects with the signal's reason when it aborts, waiting or before", async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal, { unref: true });
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    await expect(sleep(60_000, controller.signal)).rejects.toThrow("stop");
    const silent = new AbortController();
    silent.abort();
    await expect(sleep(10, silent.signal)).rejects.toMatchObject({ name: "AbortError" });
  });
});
