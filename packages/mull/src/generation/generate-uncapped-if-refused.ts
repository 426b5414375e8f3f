import { BackendCallError, findCause } from "../errors/index.ts";
import type { GenerationRequest, GenerationResult } from "../spec/index.ts";

/** HTTP statuses with which servers refuse a request they find too large: 400, 413 and 422 (TGI). */
const refusalStatuses = new Set([400, 413, 422]);

/** Characters of the backend's refusal quoted in the note. */
const quotedCharacters = 200;

/**
 * The backend's refusal of a request's `maxTokens`: an error status of a failed call (`BackendCallError`,
 * anywhere in `error`'s causes) whose message names that number (`mull serve`, vLLM, SGLang, TGI and
 * OpenAI all echo it: "max_tokens (19997)", "19997 in the completion", "max_tokens is too large: 19997")
 * and that used nothing; otherwise `undefined`.
 */
function refusalOf(error: unknown, maxTokens: number): BackendCallError | undefined {
  const refused = findCause(error, BackendCallError.isInstance);
  if (refused?.status === undefined || !refusalStatuses.has(refused.status)) return undefined;
  const usage = refused.usage;
  if (usage !== undefined && (usage.calls > 0 || (usage.completionTokens ?? 0) > 0)) return undefined;
  return new RegExp(`(^|\\D)${maxTokens}(\\D|$)`).test(refused.message) ? refused : undefined;
}

/**
 * Makes a call (`generate`) whose `maxTokens` only the budget set (`budgetSet`: the caller asked none),
 * and makes it once more without it when the backend refuses that number as too large, after telling
 * `onRefused` the note to record. The budget's guarantee holds all the same: a backend that refuses a
 * `max_tokens` as more than its context leaves after the prompt (or than its model writes) ends every
 * completion below it by itself, so that no completion writes more than the budget had left. Why: the
 * backend's context length is unknown to the client (a server not configured with `architecture`), and a
 * large budget sized a `max_tokens` a small model's server refuses (`mull serve`: "prompt plus max_tokens
 * (19997) is 20010 tokens, over the context window of 256"). Any other failure, one of a call whose
 * `maxTokens` the caller asked, or of one made again, passes on as it is.
 *
 * @example
 * result = await generateUncappedIfRefused(
 *   (request) => backend.generate(request, { signal }),
 *   request,
 *   sized.budgetSet,
 *   (message) => tracer.record({ type: "note", parentId, message }),
 * );
 */
export async function generateUncappedIfRefused(
  generate: (request: GenerationRequest) => Promise<GenerationResult>,
  request: GenerationRequest,
  budgetSet: boolean,
  onRefused: (note: string) => void,
): Promise<GenerationResult> {
  const { maxTokens, ...uncapped } = request;
  try {
    return await generate(request);
  } catch (error) {
    const refused = !budgetSet || maxTokens === undefined ? undefined : refusalOf(error, maxTokens);
    if (refused === undefined) throw error;
    const said = refused.message.slice(0, quotedCharacters);
    onRefused(
      `the backend refused max_tokens ${maxTokens}, which the budget had set (the call asked none): made ` +
        `again without it, the backend's own limit below it ending each completion (${said})`,
    );
    return generate(uncapped);
  }
}
