import { describe, expect, it } from "vitest";
import { createBudget } from "../budget/index.ts";
import { manualClock } from "../runtime/index.ts";
import { reservedMaxTokens } from "./reserved-max-tokens.ts";

const clock = manualClock();

describe("reservedMaxTokens", () => {
  it("lowers maxTokens to what the token limits leave after the prompt, less the reserve, shared out", () => {
    const total = createBudget({ maxTotalTokens: 50 }, { clock });
    // 50 − 10 − 8 = 32.
    expect(reservedMaxTokens(total, { completions: 1, promptTokens: 10, asked: 100, reserveTokens: 8 })).toBe(
      32,
    );
    expect(
      reservedMaxTokens(total, { completions: 1, promptTokens: 10, asked: undefined, reserveTokens: 8 }),
    ).toBe(32);
    // (50 − 10 − 8) / 2 = 16 each.
    expect(reservedMaxTokens(total, { completions: 2, promptTokens: 10, asked: 100, reserveTokens: 8 })).toBe(
      16,
    );
    // A completion-token limit does not count the prompt: 20 − 8 = 12.
    expect(
      reservedMaxTokens(createBudget({ maxCompletionTokens: 20 }, { clock }), {
        completions: 1,
        promptTokens: 10,
        asked: 100,
        reserveTokens: 8,
      }),
    ).toBe(12);
  });

  it("leaves maxTokens as asked where it fits, with no reserve, or where no token limit is set", () => {
    const total = createBudget({ maxTotalTokens: 50 }, { clock });
    expect(reservedMaxTokens(total, { completions: 1, promptTokens: 10, asked: 20, reserveTokens: 8 })).toBe(
      20,
    );
    expect(reservedMaxTokens(total, { completions: 1, promptTokens: 10, asked: 100, reserveTokens: 0 })).toBe(
      100,
    );
    expect(
      reservedMaxTokens(total, { completions: 1, promptTokens: 10, asked: 100, reserveTokens: undefined }),
    ).toBe(100);
    expect(
      reservedMaxTokens(createBudget({ maxCalls: 3 }, { clock }), {
        completions: 1,
        promptTokens: 10,
        asked: 100,
        reserveTokens: 8,
      }),
    ).toBe(100);
  });

  it("halves the room where the next call re-reads what this one writes, under a limit on what is read", () => {
    const total = createBudget({ maxTotalTokens: 50 }, { clock });
    const call = { completions: 1, promptTokens: 10, asked: 100, reserveTokens: 8, rereads: true };
    // This call: 10 + T; the answer: 10 + T + 8. (50 − 2 × 10 − 8) / 2 = 11, and 2 × (10 + 11) + 8 = 50.
    expect(reservedMaxTokens(total, call)).toBe(11);
    // A limit on generated tokens alone: T + 8 ≤ 20, the re-read costs nothing there.
    expect(reservedMaxTokens(createBudget({ maxCompletionTokens: 20 }, { clock }), call)).toBe(12);
    // Both limits: the tighter holds.
    expect(
      reservedMaxTokens(createBudget({ maxTotalTokens: 50, maxCompletionTokens: 15 }, { clock }), call),
    ).toBe(7);
    // At 1 USD per million tokens each, a money limit counts what is read as a token limit does.
    const priced = createBudget(
      { maxCostUsd: 0.00005 },
      { clock, price: { promptUsdPerMillion: 1, completionUsdPerMillion: 1 } },
    );
    expect(reservedMaxTokens(priced, call)).toBe(11);
  });

  it("asks one token at least when the reserve takes all that is left", () => {
    const total = createBudget({ maxTotalTokens: 50 }, { clock });
    expect(
      reservedMaxTokens(total, { completions: 1, promptTokens: 10, asked: 100, reserveTokens: 40 }),
    ).toBe(1);
    expect(
      reservedMaxTokens(total, { completions: 1, promptTokens: 10, asked: 100, reserveTokens: 60 }),
    ).toBe(1);
  });
});
