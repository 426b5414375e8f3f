import type { ServerConfig } from "../config/index.ts";
import { ApiError } from "../http/index.ts";
import type { ServedModel } from "../upstreams/index.ts";
import { countPromptTokens } from "./count-prompt-tokens.ts";
import { planRequest, requestPromptOf } from "./plan-request.ts";
import type { EndpointKind, RequestPlan } from "./request-plan.ts";
import type { ChatRequestBody, CompletionRequestBody } from "./request-schema.ts";

/** The refusals of `planRequest` that an exact count of the prompt's tokens can change. */
const tokenLimitCodes: ReadonlySet<string | undefined> = new Set([
  "context_length_exceeded",
  "budget_exceeded",
]);

/**
 * Plans a request as `planRequest` does, with its prompt's tokens counted exactly where the served model's
 * backend can count them (`countPromptTokens`: `Backend.countTokens`, the embedded engine) and the estimate
 * is within `countedEstimateFactor` of the context window: so a prompt that the estimate from its characters
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
  const promptTokens = await countPromptTokens(served, prompt, estimatedPromptTokens, limits, signal);
  // The call itself refuses a prompt the backend cannot render, with its own message.
  if (promptTokens === undefined) return keepEstimate();
  return planRequest(endpoint, body, models, limits, { promptTokens });
}
