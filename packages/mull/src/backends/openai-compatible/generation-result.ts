import { addUsage } from "../../budget/usage.ts";
import type {
  Completion,
  GenerationRequest,
  GenerationResult,
  TokenLogprob,
  Usage,
} from "../../spec/index.ts";
import { failedAttemptUsage } from "./failed-attempt-usage.ts";
import type { PickedChoice } from "./fan-out.ts";
import { wantsLogprobs } from "./request-body.ts";
import type { ParsedChoice, ParsedResponse } from "./response-parser.ts";

/**
 * A choice's tokens with the end-of-generation token set apart: llama.cpp's server lists the token that
 * ended a completion as a last token with empty text, where the embedded backend reports its
 * log-probability as `endLogprob`. A choice that ended on its own (finish reason `stop`, no stop string)
 * and whose last token has no text gives that token's log-probability as `endLogprob`; any other keeps
 * its tokens as they came.
 */
export function splitEndToken(choice: ParsedChoice): {
  readonly tokens: readonly TokenLogprob[] | undefined;
  readonly endLogprob: number | undefined;
} {
  const { tokens } = choice;
  const last = tokens?.at(-1);
  if (tokens === undefined || last === undefined || last.token !== "")
    return { tokens, endLogprob: undefined };
  if (choice.finishReason !== "stop" || choice.stopSequence !== undefined)
    return { tokens, endLogprob: undefined };
  return { tokens: tokens.slice(0, -1), endLogprob: last.logprob };
}

/**
 * What one response says it used, plus what the attempts of its request that failed part-way had done;
 * counts it left out stay unknown in the call's sum.
 */
function usageOf(response: ParsedResponse): Usage {
  const own: Usage = {
    promptTokens: response.usage?.promptTokens,
    completionTokens: response.usage?.completionTokens,
    cachedPromptTokens: response.usage?.cachedPromptTokens,
    ...(response.usage?.reasoningTokens === undefined
      ? {}
      : { reasoningTokens: response.usage.reasoningTokens }),
    calls: 1,
  };
  const failed = response.failedAttempts ?? [];
  if (failed.length === 0) return own;
  return addUsage(own, ...failed.map((attempt) => failedAttemptUsage(attempt, response.usage)));
}

/**
 * The result of a call from its choices: each completion counts its tokens (or takes the count its
 * response reported, when that response holds it alone, else its own `ParsedChoice.completionTokens`) and
 * carries its tokens when they were asked for, an end token set apart as `endLogprob` (`splitEndToken`; it
 * stays in the count, as servers count it).
 *
 * Usage: every response's own, plus, for a request retried after attempts whose streams broke part-way
 * (`ParsedResponse.failedAttempts`), the tokens those had used, so that a flaky server's lost work is
 * charged; a completion's `completionTokens` counts its own tokens only. `calls` stays one per request
 * however many attempts it took, as `BudgetLimits.maxCalls` counts the requests a strategy made: a retry
 * is the backend's reliability, not another generation, and a failed attempt's tokens are charged anyway.
 */
export function generationResult(
  request: GenerationRequest,
  picked: readonly PickedChoice[],
  responses: readonly ParsedResponse[],
  model: string,
): GenerationResult {
  const withTokens = wantsLogprobs(request);
  const completions: Completion[] = picked.map(({ choice, response }, index) => {
    const reported = response.choices.length === 1 ? response.usage?.completionTokens : undefined;
    const completion: Completion = {
      index,
      text: choice.text,
      finishReason: choice.finishReason,
      completionTokens:
        choice.tokens !== undefined && (choice.tokens.length > 0 || choice.text === "")
          ? choice.tokens.length
          : (reported ?? choice.completionTokens),
    };
    const withReasoning =
      choice.reasoning === undefined ? completion : { ...completion, reasoning: choice.reasoning };
    const withStop =
      choice.stopSequence === undefined
        ? withReasoning
        : { ...withReasoning, stopSequence: choice.stopSequence };
    const withCalls =
      choice.toolCalls === undefined ? withStop : { ...withStop, toolCalls: choice.toolCalls };
    if (!withTokens || choice.tokens === undefined) return withCalls;
    const { tokens, endLogprob } = splitEndToken(choice);
    return endLogprob === undefined ? { ...withCalls, tokens } : { ...withCalls, tokens, endLogprob };
  });
  return {
    completions,
    usage: addUsage(...responses.map(usageOf)),
    model: responses.find((response) => response.model !== undefined)?.model ?? model,
  };
}
