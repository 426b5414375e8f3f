import type { ServerConfig } from "../config/index.ts";
import { ApiError } from "../http/index.ts";
import type { ServedModel } from "../upstreams/index.ts";
import { planRequest, requestPromptOf } from "./plan-request.ts";
import type { EndpointKind, RequestPlan } from "./request-plan.ts";
import type { ChatRequestBody, CompletionRequestBody } from "./request-schema.ts";

/**
 * How far over the model's context window (or the per-request token cap, if lower) a prompt's estimate
 * may be and still be counted: beyond it the prompt would need more than twice the characters per token
 * the estimate assumes to fit, and its refusal on the estimate stands. It bounds what counting costs: a
 * tokenization, in this process, of at most 2 × window × `charactersPerToken` characters. Measured on the
 * lab models' tokenizer: under a millisecond for their 256-token window (2,048 characters at most), about
 * 18 ms for 65,536 characters, and 0.3 to 0.5 s for 262,144 (the most a 32k-token window counts), far less
 * than evaluating such a prompt would take.
 */
export const countedEstimateFactor = 2;

/** The refusals of `planRequest` that an exact count of the prompt's tokens can change. */
const tokenLimitCodes: ReadonlySet<string | undefined> = new Set([
  "context_length_exceeded",
  "budget_exceeded",
]);

/** Whether a prompt of `estimatedPromptTokens` on `served` is worth counting (see `countedEstimateFactor`). */
function worthCounting(
  served: ServedModel,
  estimatedPromptTokens: number,
  limits: ServerConfig["limits"],
): boolean {
  const limit = Math.min(served.contextWindow ?? Number.POSITIVE_INFINITY, limits.maxRequestTokens);
  return estimatedPromptTokens <= countedEstimateFactor * limit;
}

/**
 * Plans a request as `planRequest` does, with its prompt's tokens counted exactly where the served model's
 * backend can count them (`Backend.countTokens`, the embedded engine) and the estimate is within
 * `countedEstimateFactor` of the context window: so a prompt that the estimate from its characters
 * undercounts (the lab models' tokens are single characters, four times what `limits.charactersPerToken`
 * assumes) is refused with 400 before it reaches the model, and one it overcounts is not refused. Where the
 * backend cannot count, or counting fails (a prompt the backend cannot render, which its call refuses
 * with its own message), the estimate decides, as in `planRequest`.
 *
 * @throws ApiError as `planRequest` does, its numbers the counted ones where the prompt was counted; the
 *   signal's reason when `signal` aborts while counting.
 * @example
 * const plan = await planCountedRequest("chat", body, models, config.limits, abort.signal);
 */
export async function planCountedRequest(
  endpoint: EndpointKind,
  body: ChatRequestBody | CompletionRequestBody,
  models: ReadonlyMap<string, ServedModel>,
  limits: ServerConfig["limits"],
  signal?: AbortSignal | undefined,
): Promise<RequestPlan> {
  let estimated: RequestPlan | undefined;
  let refusal: ApiError | undefined;
  try {
    estimated = planRequest(endpoint, body, models, limits);
  } catch (error) {
    if (!(error instanceof ApiError) || !tokenLimitCodes.has(error.code)) throw error;
    refusal = error;
  }
  const keepEstimate = (): RequestPlan => {
    if (estimated === undefined) throw refusal;
    return estimated;
  };
  // A refusal on the token limits comes after the model and its prompt were resolved: these do not throw.
  const { served, prompt, estimatedPromptTokens } =
    estimated ?? requestPromptOf(endpoint, body, models, limits);
  const count = served.backend.countTokens?.bind(served.backend);
  if (count === undefined || !worthCounting(served, estimatedPromptTokens, limits)) return keepEstimate();
  let promptTokens: number;
  try {
    promptTokens = await count(prompt, { signal });
  } catch {
    if (signal?.aborted === true) throw signal.reason;
    // The call itself refuses a prompt the backend cannot render, with its own message.
    return keepEstimate();
  }
  return planRequest(endpoint, body, models, limits, { promptTokens });
}
