import { BackendCallError, findCause } from "../../errors/index.ts";
import type { GenerationResult, Usage } from "../../spec/index.ts";

/** A sample whose call failed: its error, and what the call told if an abort cut it (`CallOptions.onAborted`). */
export interface LostSample {
  readonly error: unknown;
  readonly told: GenerationResult | undefined;
}

/**
 * The tokens an aborted call had delivered, by what it told: its completions' counts added up, 0 when it
 * had delivered none (cut before its first token, or before its stream began); `undefined` when a
 * completion it delivered has no count.
 */
function deliveredTokens(told: GenerationResult): number | undefined {
  let delivered = 0;
  for (const completion of told.completions) {
    if (completion.completionTokens === undefined) return undefined;
    delivered += completion.completionTokens;
  }
  return delivered;
}

/**
 * What the samples a call lost had used before they failed (`BackendCallError.usage`: the tokens a stream
 * generated before it broke) or before an abort cut them (what their calls told), each prompt count left
 * unknown taken as the fewest prompt tokens a finished sample of the call reported (the same prompt was
 * sent), else left unknown. A cut sample that told no completion count is counted the tokens it had
 * delivered (0 when none: cut before its first token), since its backend counts what it generates,
 * unless `countsUnreported` (a finished sample of the request reported none: a backend that counts no
 * tokens, whose count stays unknown) or a completion it delivered has no count.
 *
 * @example
 * const used = lostUsage(lostSamples, results, false);
 * const usage = addUsage(emptyUsage, ...results.map((result) => result.usage), ...used);
 */
export function lostUsage(
  lostSamples: readonly LostSample[],
  finished: readonly GenerationResult[],
  countsUnreported: boolean,
): Usage[] {
  const prompts = finished.flatMap(({ usage }) =>
    usage.promptTokens === undefined ? [] : [usage.promptTokens],
  );
  const prompt = prompts.length === 0 ? undefined : Math.min(...prompts);
  return lostSamples.flatMap(({ error, told }) => {
    const failed = findCause(
      error,
      (cause): cause is BackendCallError => BackendCallError.isInstance(cause) && cause.usage !== undefined,
    )?.usage;
    const usage = failed ?? told?.usage;
    if (usage === undefined) return [];
    const completionTokens =
      usage.completionTokens === undefined && failed === undefined && told !== undefined && !countsUnreported
        ? deliveredTokens(told)
        : usage.completionTokens;
    return [{ ...usage, promptTokens: usage.promptTokens ?? prompt, completionTokens }];
  });
}
