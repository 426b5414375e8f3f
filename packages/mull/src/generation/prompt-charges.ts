import type { BackendCapabilities } from "../spec/index.ts";

/**
 * How many times a call of `completions` completions charges its prompt on a backend with these
 * capabilities: once per completion where the backend charges it so (`promptPerCompletion`), else once per
 * request, `requests` of them (by default one with native `n`, one per completion without). Sizing a call
 * against a token budget multiplies the prompt's tokens by it; dividing a call's reported `promptTokens` by
 * it (with the completions it returned and the requests it made) gives the prompt's tokens back.
 *
 * @example
 * promptCharges({ n: true }, 4); // 1: one request reads the prompt once
 * promptCharges({ n: true, promptPerCompletion: true }, 4); // 4
 * promptCharges({ n: false }, 4); // 4: a request per completion
 */
export function promptCharges(
  capabilities: Pick<BackendCapabilities, "n" | "promptPerCompletion">,
  completions: number,
  requests: number = capabilities.n ? 1 : completions,
): number {
  return capabilities.promptPerCompletion === true ? completions : requests;
}
