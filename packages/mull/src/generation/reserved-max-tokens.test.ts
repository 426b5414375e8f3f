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

  it("stays within every limit at once where the next call re-reads, not only the tightest before it", () => {
    const call = { completions: 1, promptTokens: 10, asked: 100, reserveTokens: 8, rereads: true };
    // Total alone: (80 − 2 × 10 − 8) / 2 = 26, and 2 × (10 + 26) + 8 = 80.
    expect(reservedMaxTokens(createBudget({ maxTotalTokens: 80 }, { clock }), call)).toBe(26);
    // A completion limit of 40 leaves 40 − 8 = 32 written, less tight before the re-read, but 2 × (10 + 32) + 8
    // = 92 would overrun the 80 total: the total's 26 holds.
    const both = createBudget({ maxTotalTokens: 80, maxCompletionTokens: 40 }, { clock });
    expect(reservedMaxTokens(both, call)).toBe(26);
    // A budget forcing thinking call: a 4-token prompt, 32 kept. (56 − 2 × 4 − 32) / 2 = 8, not 45 − 32 = 13.
    const forced = { completions: 1, promptTokens: 4, asked: 100, reserveTokens: 32, rereads: true };
    expect(reservedMaxTokens(createBudget({ maxTotalTokens: 56 }, { clock }), forced)).toBe(8);
    expect(
      reservedMaxTokens(createBudget({ maxTotalTokens: 56, maxCompletionTokens: 45 }, { clock }), forced),
    ).toBe(8);
  });

  it("counts the re-read against a priced money limit beside a completion limit", () => {
    const price = { promptUsdPerMillion: 1, completionUsdPerMillion: 1 };
    const call = { completions: 1, promptTokens: 10, asked: 100, reserveTokens: 8, rereads: true };
    // 50 millionths at 1 per million each: 2 × (10 + 11) + 8 = 50; the completion limit alone leaves 30 − 8 = 22.
    const priced = createBudget({ maxCostUsd: 0.00005, maxCompletionTokens: 30 }, { clock, price });
    expect(reservedMaxTokens(priced, call)).toBe(11);
    // Written tokens re-read are charged at the prompt price: 2 per million read, 1 per million written.
    // 20 × 2 + T × 2 + (T + 8) × 1 ≤ 100, so 3T ≤ 52 and T = 17; the completion limit leaves 22.
    const dearPrompts = createBudget(
      { maxCostUsd: 0.0001, maxCompletionTokens: 30 },
      { clock, price: { promptUsdPerMillion: 2, completionUsdPerMillion: 1 } },
    );
    expect(reservedMaxTokens(dearPrompts, call)).toBe(17);
    // What was spent counts: 10 read and 10 written leave (100 − 30 − 48) / 3 = 7,
    // below the completion limit's 30 − 10 − 8 = 12.
    dearPrompts.charge({ calls: 1, promptTokens: 10, completionTokens: 10 });
    expect(reservedMaxTokens(dearPrompts, call)).toBe(7);
    // Prompt tokens that cost nothing leave what the completions and the reserve cost: 100 − 8 = 92, and the
    // completion limit's 22 is tighter.
    const freePrompts = createBudget(
      { maxCostUsd: 0.0001, maxCompletionTokens: 30 },
      { clock, price: { promptUsdPerMillion: 0, completionUsdPerMillion: 1 } },
    );
    expect(reservedMaxTokens(freePrompts, call)).toBe(22);
  });

  it("takes the completion limit where it is the tightest, re-read or not", () => {
    const call = { completions: 1, promptTokens: 10, asked: 100, reserveTokens: 8, rereads: true };
    // Total: (200 − 20 − 8) / 2 = 86; completions: 20 − 8 = 12.
    const budget = createBudget({ maxTotalTokens: 200, maxCompletionTokens: 20 }, { clock });
    expect(reservedMaxTokens(budget, call)).toBe(12);
    // Shared by 2 completions: (20 − 8) / 2 = 6 each, the total's (200 − 20 − 8) / 4 = 43 looser.
    expect(reservedMaxTokens(budget, { ...call, completions: 2 })).toBe(6);
    const priced = createBudget(
      { maxCostUsd: 0.001, maxCompletionTokens: 20 },
      { clock, price: { promptUsdPerMillion: 1, completionUsdPerMillion: 1 } },
    );
    expect(reservedMaxTokens(priced, call)).toBe(12);
  });

  it("bounds a re-read under a money limit whose completion tokens cost nothing", () => {
    // Only what is read costs: 2 × 10 + T ≤ 50 at 1 per million read, so T = 30; without the re-read the
    // limit bounds nothing and maxTokens stays as asked.
    const budget = createBudget(
      { maxCostUsd: 0.00005 },
      { clock, price: { promptUsdPerMillion: 1, completionUsdPerMillion: 0 } },
    );
    const call = { completions: 1, promptTokens: 10, asked: 100, reserveTokens: 8 };
    expect(reservedMaxTokens(budget, { ...call, rereads: true })).toBe(30);
    expect(reservedMaxTokens(budget, call)).toBe(100);
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
