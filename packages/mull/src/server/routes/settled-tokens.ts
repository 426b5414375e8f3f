import type { Usage } from "../../spec/index.ts";

/**
 * The tokens a served request settles its key's reservation with: its prompt and completion tokens. Tokens
 * the upstream reported are charged in full, even beyond `reserved` (what it reserved: a prompt that counts
 * more than its estimate, as CJK text does against the default characters per token), so that the key's
 * later requests in the window see them. A prompt count the upstream left unknown (a stream cut before
 * its usage came, a server that does not report it) is taken as `promptTokensEach` (the plan's prompt:
 * counted by the model's tokenizer where its backend can, else estimated) for each call, since every call
 * read it, and never brings the charge above `reserved` (nor below the completion tokens reported). A
 * pass-through has already put that planned count in its usage, and reports it in its response, so its
 * prompt arrives here told and is charged as such; a strategy's response leaves unknown a prompt that no
 * call reported and the tokenizer did not count. `undefined`, which keeps the whole reservation, when the
 * completion tokens are unknown: nothing bounds what the upstream generated then.
 *
 * @example
 * settledTokens({ promptTokens: undefined, completionTokens: 135, calls: 8 }, 19, 664); // 135 + 8 × 19 = 287
 * settledTokens({ promptTokens: 2_030, completionTokens: 10, calls: 1 }, 500, 510); // 2_040, all reported
 */
export function settledTokens(usage: Usage, promptTokensEach: number, reserved: number): number | undefined {
  const completion = usage.completionTokens;
  if (completion === undefined) return undefined;
  if (usage.promptTokens !== undefined) return usage.promptTokens + completion;
  return Math.max(completion, Math.min(reserved, promptTokensEach * usage.calls + completion));
}
