import { describe, expect, it } from "vitest";
import { createBudget } from "../budget/index.ts";
import { manualClock } from "../runtime/index.ts";
import type { Backend } from "../spec/index.ts";
import { callMaxTokens } from "./call-max-tokens.ts";

const clock = manualClock();

/** A backend that tells a context of `contextLength` tokens, or none. */
function backendWith(contextLength: number | undefined): Pick<Backend, "describe"> {
  return {
    describe: () => ({
      kind: "scripted",
      model: "m",
      ...(contextLength === undefined
        ? {}
        : { architecture: { parameters: 1, layers: 1, embedding: 1, contextLength } }),
    }),
  };
}

describe("callMaxTokens", () => {
  it("leaves maxTokens unset where the context ends a completion before the budget would, holding the room", () => {
    const budget = createBudget({ maxTotalTokens: 20_000 }, { clock });
    expect(
      callMaxTokens(budget, backendWith(256), { completions: 1, promptTokens: 13, asked: undefined }),
    ).toEqual({
      maxTokens: undefined,
      held: 243,
      lowered: undefined,
      budgetSet: false,
    });
    // The caller's own maxTokens stays as asked: a budget never raises it, nor lowers it to no effect.
    expect(
      callMaxTokens(budget, backendWith(256), { completions: 1, promptTokens: 13, asked: 30_000 }),
    ).toEqual({
      maxTokens: 30_000,
      held: 243,
      lowered: undefined,
      budgetSet: false,
    });
    // So too the room kept for a forced answer, where the context leaves less than the budget.
    const reserved = callMaxTokens(budget, backendWith(256), {
      completions: 1,
      promptTokens: 13,
      asked: undefined,
      reserveTokens: 16,
    });
    expect(reserved).toMatchObject({ maxTokens: undefined, held: 243, budgetSet: false });
  });

  it("lowers maxTokens to what the budget leaves where that is below the context's room, or no context is known", () => {
    const budget = createBudget({ maxTotalTokens: 100 }, { clock });
    const known = callMaxTokens(budget, backendWith(256), {
      completions: 1,
      promptTokens: 13,
      asked: undefined,
    });
    expect(known).toMatchObject({ maxTokens: 87, held: 87, budgetSet: true });
    expect(known.lowered).toMatchObject({ maxTokens: 87, limit: "tokens" });
    const large = createBudget({ maxTotalTokens: 20_000 }, { clock });
    const unknown = callMaxTokens(large, backendWith(undefined), {
      completions: 1,
      promptTokens: 13,
      asked: undefined,
    });
    expect(unknown).toMatchObject({ maxTokens: 19_987, held: 19_987, budgetSet: true });
    const asked = callMaxTokens(budget, backendWith(undefined), {
      completions: 1,
      promptTokens: 13,
      asked: 500,
    });
    expect(asked).toMatchObject({ maxTokens: 87, held: 87, budgetSet: false });
  });

  it("leaves maxTokens unset where the budget leaves exactly the context's room", () => {
    // 256 tokens in all, a 13-token prompt: the budget leaves 243, all the room the context has.
    const budget = createBudget({ maxTotalTokens: 256 }, { clock });
    expect(
      callMaxTokens(budget, backendWith(256), { completions: 1, promptTokens: 13, asked: undefined }),
    ).toEqual({
      maxTokens: undefined,
      held: 243,
      lowered: undefined,
      budgetSet: false,
    });
  });

  it("keeps the room for an answer that re-reads the prompt and the thinking", () => {
    // 50 tokens left, a 10-token prompt, 8 kept for the answer, which re-reads: (50 − 2 × 10 − 8) / 2 = 11.
    const budget = createBudget({ maxTotalTokens: 50 }, { clock });
    const call = { completions: 1, promptTokens: 10, asked: 100, reserveTokens: 8 };
    expect(callMaxTokens(budget, backendWith(undefined), { ...call, rereads: true })).toMatchObject({
      maxTokens: 11,
      held: 11,
      budgetSet: false,
    });
    // Without the re-read, the answer takes only its own 8: 50 − 10 − 8 = 32.
    expect(callMaxTokens(budget, backendWith(undefined), call)).toMatchObject({ maxTokens: 32, held: 32 });
  });

  it("holds no more than the context's room where the call's own maxTokens stands", () => {
    // No token limit: the call keeps its 500, but its completion can write only the 243 tokens of room.
    const budget = createBudget({ maxCalls: 4 }, { clock });
    expect(callMaxTokens(budget, backendWith(256), { completions: 1, promptTokens: 13, asked: 500 })).toEqual(
      { maxTokens: 500, held: 243, lowered: undefined, budgetSet: false },
    );
    // Below the room, it holds what it asked.
    expect(
      callMaxTokens(budget, backendWith(256), { completions: 1, promptTokens: 13, asked: 100 }),
    ).toMatchObject({ maxTokens: 100, held: 100 });
  });

  it("leaves maxTokens as asked, and holds it, where the budget limits no tokens", () => {
    const budget = createBudget({ maxCalls: 4 }, { clock });
    expect(
      callMaxTokens(budget, backendWith(256), { completions: 2, promptTokens: 13, asked: undefined }),
    ).toEqual({
      maxTokens: undefined,
      held: undefined,
      lowered: undefined,
      budgetSet: false,
    });
  });
});
