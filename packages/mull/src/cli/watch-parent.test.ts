import { afterEach, describe, expect, it, vi } from "vitest";
import { watchParent } from "./watch-parent.ts";

describe("watchParent", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("says once that the parent changed, and nothing while it stays", () => {
    vi.useFakeTimers();
    let parent = 4242;
    const onGone = vi.fn();
    watchParent({ onGone, parent: () => parent, intervalMilliseconds: 100 });
    vi.advanceTimersByTime(1_000);
    expect(onGone).not.toHaveBeenCalled();
    parent = 1;
    vi.advanceTimersByTime(100);
    vi.advanceTimersByTime(1_000);
    expect(onGone).toHaveBeenCalledTimes(1);
  });

  it("stops watching when told", () => {
    vi.useFakeTimers();
    let parent = 7;
    const onGone = vi.fn();
    const unwatch = watchParent({ onGone, parent: () => parent, intervalMilliseconds: 100 });
    unwatch();
    parent = 1;
    vi.advanceTimersByTime(1_000);
    expect(onGone).not.toHaveBeenCalled();
  });
});
