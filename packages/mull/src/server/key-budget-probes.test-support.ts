import { expect } from "vitest";
import { memoryServingState, type ServingState } from "./state/index.ts";

/**
 * The tokens a key has left in its window, as a request too large for any window is told (a 400): `post` sends a
 * chat request with that key, `maxTokens` is above any window.
 */
export async function keyTokensLeft(
  post: (body: Record<string, unknown>) => Promise<Response>,
  maxTokens: number,
): Promise<number> {
  const refused = await post({
    model: "fake-model",
    messages: [{ role: "user", content: "x" }],
    max_tokens: maxTokens,
  });
  expect(refused.status).toBe(400);
  expect(((await refused.clone().json()) as { error: { code: string } }).error.code).toBe(
    "request_exceeds_key_budget",
  );
  const message = ((await refused.json()) as { error: { message: string } }).error.message;
  const left = /(\d+) tokens are left/.exec(message)?.[1];
  if (left === undefined) throw new Error(`no tokens left in: ${message}`);
  return Number(left);
}

/** The sum of `mull_tokens_total` over its kinds (prompt and completion), as /metrics reports it. */
export function metricsTokenTotal(metricsText: string): number {
  return [
    ...metricsText.matchAll(/^mull_tokens_total\{[^}]*kind="(?:prompt|completion)"[^}]*\} (\d+)$/gm),
  ].reduce((sum, match) => sum + Number(match[1]), 0);
}

/** What one reservation of a key's budget reserved, and what it was settled with once its request ended. */
export interface RecordedReservation {
  readonly reserved: number;
  settled?: number | undefined;
}

/**
 * A serving state in memory whose key budgets record each reservation (`reservations`, in order): what
 * it reserved and what it was settled with. The budgets themselves behave as the memory state's do.
 */
export function recordingServingState(): {
  readonly state: ServingState;
  readonly reservations: RecordedReservation[];
} {
  const reservations: RecordedReservation[] = [];
  const memory = memoryServingState();
  const state: ServingState = {
    ...memory,
    keyBudget: (tokensPerMinute) => {
      const store = memory.keyBudget(tokensPerMinute);
      return {
        async reserve(id, tokens) {
          const answer = await store.reserve(id, tokens);
          if ("retryAfterSeconds" in answer) return answer;
          const entry: RecordedReservation = { reserved: tokens };
          reservations.push(entry);
          return {
            settle(used) {
              entry.settled = used;
              return answer.settle(used);
            },
          };
        },
      };
    },
  };
  return { state, reservations };
}
