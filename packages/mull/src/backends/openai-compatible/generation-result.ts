import { addUsage } from "../../budget/index.ts";
import type { Completion, GenerationRequest, GenerationResult, Usage } from "../../spec/index.ts";
import type { PickedChoice } from "./fan-out.ts";
import { wantsLogprobs } from "./request-body.ts";
import type { ParsedResponse } from "./response-parser.ts";

/** What one response says it used; counts it left out stay unknown in the call's sum. */
function usageOf(response: ParsedResponse): Usage {
  return {
    promptTokens: response.usage?.promptTokens,
    completionTokens: response.usage?.completionTokens,
    cachedPromptTokens: response.usage?.cachedPromptTokens,
    ...(response.usage?.reasoningTokens === undefined
      ? {}
      : { reasoningTokens: response.usage.reasoningTokens }),
    calls: 1,
  };
}

/**
 * The result of a call from its choices: each completion counts its tokens (or takes the count its
 * response reported, when that response holds it alone) and carries its tokens when they were asked for.
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
          : reported,
    };
    const withReasoning =
      choice.reasoning === undefined ? completion : { ...completion, reasoning: choice.reasoning };
    const withStop =
      choice.stopSequence === undefined
        ? withReasoning
        : { ...withReasoning, stopSequence: choice.stopSequence };
    const withCalls =
      choice.toolCalls === undefined ? withStop : { ...withStop, toolCalls: choice.toolCalls };
    return withTokens && choice.tokens !== undefined ? { ...withCalls, tokens: choice.tokens } : withCalls;
  });
  return {
    completions,
    usage: addUsage(...responses.map(usageOf)),
    model: responses.find((response) => response.model !== undefined)?.model ?? model,
  };
}
