import type { Usage } from "../../spec/index.ts";

/**
 * The tokens a served request settles its key's reservation with: its prompt and completion tokens, never
 * more than `reserved` (what it reserved). A prompt count the upstream left unknown (a stream cut before
 * its usage came, a server that does not report it) is taken as `promptTokensEach` (the plan's prompt:
 * counted by the model's tokenizer where its backend can, else estimated) for each call, since every call
 * read it; the response still reports it unknown. `undefined`, which keeps the whole reservation, when the
 * completion tokens are unknown: nothing bounds what the upstream generated then.
 *
 * @example
 * settledTokens({ promptTokens: undefined, completionTokens: 135, calls: 8 }, 19, 664); // 135 + 8 × 19 = 287
 */
export function settledTokens(usage: Usage, promptTokensEach: number, reserved: number): number | undefined {
  if (usage.completionTokens === undefined) return undefined;
  const prompt = usage.promptTokens ?? promptTokensEach * usage.calls;
  return Math.min(reserved, prompt + usage.completionTokens);
}
