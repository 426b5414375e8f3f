import { afterEach, describe, expect, it, vi } from "vitest";
import { parentAtStart, parentAtStartKey, watchParent } from "./watch-parent.ts";

describe("watchParent", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("says once that the parent changed, and nothing while it stays", async () => {
    vi.useFakeTimers();
    let parent = 4242;
    const onGone = vi.fn();
    watchParent({ onGone, parent: () => parent, intervalMilliseconds: 100 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(onGone).not.toHaveBeenCalled();
    parent = 1;
    await vi.advanceTimersByTimeAsync(100);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(onGone).toHaveBeenCalledTimes(1);
  });

  it("stops watching when told", async () => {
    vi.useFakeTimers();
    let parent = 7;
    const onGone = vi.fn();
    const unwatch = watchParent({ onGone, parent: () => parent, intervalMilliseconds: 100 });
    unwatch();
    parent = 1;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(onGone).not.toHaveBeenCalled();
  });

  it("compares with the baseline, not with the parent when the watch begins", async () => {
    vi.useFakeTimers();
    let parent = 4242;
    const onGone = vi.fn();
    watchParent({ onGone, parent: () => parent, baseline: 4242, intervalMilliseconds: 100 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(onGone).not.toHaveBeenCalled();
    parent = 1;
    await vi.advanceTimersByTimeAsync(100);
    expect(onGone).toHaveBeenCalledTimes(1);
  });

  it("tells at once, after the caller's code, of a parent gone before the watch began", async () => {
    vi.useFakeTimers();
    const onGone = vi.fn();
    // npx stopped while the server was starting: the shell that started it is gone, init adopted it.
    watchParent({ onGone, parent: () => 1, baseline: 4242, intervalMilliseconds: 60_000 });
    expect(onGone).not.toHaveBeenCalled();
    await Promise.resolve();
    expect(onGone).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(180_000);
    expect(onGone).toHaveBeenCalledTimes(1);
  });

  it("says nothing of a parent gone before the watch began when told to stop first", async () => {
    vi.useFakeTimers();
    const onGone = vi.fn();
    const unwatch = watchParent({ onGone, parent: () => 1, baseline: 4242, intervalMilliseconds: 100 });
    unwatch();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(onGone).not.toHaveBeenCalled();
  });
});

describe("parentAtStart", () => {
  const global = globalThis as Record<symbol, unknown>;

  afterEach(() => {
    delete global[parentAtStartKey];
  });

  it("is the parent the mull bin recorded before mull's code loaded", () => {
    global[parentAtStartKey] = 4242;
    expect(parentAtStart()).toBe(4242);
  });

  it("is the parent when mull's code loaded where no bin recorded one", () => {
    expect(parentAtStart()).toBe(process.ppid);
    global[parentAtStartKey] = "4242";
    expect(parentAtStart()).toBe(process.ppid);
  });
});
