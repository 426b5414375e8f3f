import { describe, expect, it } from "vitest";
import type { ReportedUsage } from "./response-parser.ts";
import { StreamUsages } from "./stream-usages.ts";

const usage = (completionTokens: number, extra: Partial<ReportedUsage> = {}): ReportedUsage => ({
  promptTokens: 70,
  completionTokens,
  cachedPromptTokens: 69,
  ...extra,
});

/** A chunk without choices, fed as `StreamAssembler.add` feeds it. */
function addLoose(usages: StreamUsages, reported: ReportedUsage | undefined): void {
  usages.note(reported);
  usages.addWithoutChoices(reported);
}

/** A chunk with choices, fed as `StreamAssembler.add` feeds it. */
function addChoices(usages: StreamUsages, reported: ReportedUsage | undefined, finishing?: number): void {
  usages.note(reported);
  usages.addWithChoices(reported, finishing);
}

describe("StreamUsages", () => {
  it("tells each usage chunk to the choice whose final chunk it followed, and adds them up, the prompt once", () => {
    const usages = new StreamUsages();
    addChoices(usages, undefined);
    addChoices(usages, undefined, 1);
    addLoose(usages, usage(3, { reasoningTokens: 2 }));
    addChoices(usages, undefined, 0);
    addLoose(usages, usage(4));
    expect(usages.perChoice).toBe(true);
    expect(usages.requestReported).toBe(false);
    expect([...usages.own()].map(([index, own]) => [index, own.completionTokens])).toEqual([
      [1, 3],
      [0, 4],
    ]);
    expect(usages.ofChoice(0)?.completionTokens).toBe(4);
    // Reasoning tokens a choice left out count as none.
    expect(usages.total()).toEqual({
      promptTokens: 70,
      completionTokens: 7,
      cachedPromptTokens: 69,
      reasoningTokens: 2,
    });
  });

  it("owes one usage chunk per choice once several came", () => {
    const usages = new StreamUsages();
    addChoices(usages, undefined, 0);
    addLoose(usages, usage(1));
    addChoices(usages, undefined, 1);
    addLoose(usages, usage(2));
    expect(usages.owed(3)).toBe(true);
    addChoices(usages, undefined, 2);
    addLoose(usages, usage(3));
    expect(usages.owed(3)).toBe(false);
  });

  it("takes a single chunk without choices as the request's usage, told to no choice", () => {
    const usages = new StreamUsages();
    addChoices(usages, undefined, 0);
    addChoices(usages, undefined, 1);
    expect(usages.owed(2)).toBe(true);
    addLoose(usages, usage(9));
    expect(usages.requestReported).toBe(true);
    expect(usages.owed(2)).toBe(false);
    expect(usages.own().size).toBe(0);
    expect(usages.ofChoice(0)).toBeUndefined();
    expect(usages.total()?.completionTokens).toBe(9);
  });

  it("adds up the usages on the choices' final chunks, owed until every choice's came", () => {
    const usages = new StreamUsages();
    addChoices(usages, usage(2), 0);
    expect(usages.owed(2)).toBe(true);
    // A usage on a chunk that finishes no single choice is seen, but told to no choice.
    addChoices(usages, usage(50));
    expect(usages.owed(2)).toBe(true);
    addChoices(usages, usage(1), 1);
    expect(usages.owed(2)).toBe(false);
    expect(usages.own().get(0)?.completionTokens).toBe(2);
    expect(usages.total()?.completionTokens).toBe(3);
    // Once a request's usage came, a final chunk's usage is still the choice's own count.
    addLoose(usages, usage(5));
    expect(usages.own().size).toBe(0);
    expect(usages.ofChoice(1)?.completionTokens).toBe(1);
    expect(usages.total()?.completionTokens).toBe(5);
  });

  it("counts the last usage seen when a single choice reported one", () => {
    const usages = new StreamUsages();
    expect(usages.total()).toBeUndefined();
    addChoices(usages, usage(4));
    addChoices(usages, usage(6), 0);
    expect(usages.total()?.completionTokens).toBe(6);
  });

  it("counts a stream that ended early as the more of the request's usage and the tokens received", () => {
    const usages = new StreamUsages();
    expect(usages.received(3)).toEqual({
      promptTokens: undefined,
      completionTokens: 3,
      cachedPromptTokens: undefined,
    });
    addLoose(usages, usage(5));
    expect(usages.received(3)).toEqual({ promptTokens: 70, completionTokens: 5, cachedPromptTokens: 69 });
    expect(usages.received(8).completionTokens).toBe(8);
  });
});
