import { describe, expect, it } from "vitest";
import { createLiveText, type LivePiece } from "./live-text.ts";

// Pieces of several choices are kept apart by index, and a late listener hears them all in order, each
// choice's first piece marked as such.

describe("createLiveText", () => {
  it("keeps each choice's text apart, and marks the first piece of every choice", async () => {
    const live = createLiveText();
    expect(live.delivered()).toBe(false);
    live.push("Hel", 0);
    live.pushReasoning("hm", 1);
    live.push("", 2);
    live.push("lo", 0);
    live.push("Hi", 1);
    await live.started;
    const heard: [LivePiece, boolean][] = [];
    live.listen((piece, first) => heard.push([piece, first]));
    live.push(" there", 1);
    expect(heard).toEqual([
      [{ kind: "text", text: "Hel", index: 0 }, true],
      [{ kind: "reasoning", text: "hm", index: 1 }, true],
      [{ kind: "text", text: "lo", index: 0 }, false],
      [{ kind: "text", text: "Hi", index: 1 }, false],
      [{ kind: "text", text: " there", index: 1 }, false],
    ]);
    expect([live.text(0), live.text(1), live.text(2)]).toEqual(["Hello", "Hi there", ""]);
    expect([live.delivered(), live.delivered(0), live.delivered(1), live.delivered(2)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it("takes pieces without an index as choice 0's", () => {
    const live = createLiveText();
    live.push("one");
    live.pushReasoning("why");
    expect(live.text()).toBe("one");
    expect(live.text(0)).toBe("one");
    expect(live.delivered(0)).toBe(true);
    expect(live.delivered(1)).toBe(false);
  });
});
