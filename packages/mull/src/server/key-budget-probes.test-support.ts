import { expect } from "vitest";

/**
 * The tokens a key has left in its window, as a request too large for any window is told: `post` sends a
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
  expect(refused.status).toBe(429);
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
