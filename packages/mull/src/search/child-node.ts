import type { StepExtension } from "../steps/index.ts";
import type { SearchNode } from "./search-node.ts";
import type { SearchSettings } from "./search-settings.ts";

/**
 * The node a one-step extension makes under `parent`: its path's tokens and log-probability add up, and it
 * counts as complete when its last step is final, when it reached `maxSteps`, or when it used all of
 * `maxSolutionTokens` (then its finish reason is `length`).
 */
export function childNode(
  parent: SearchNode,
  extension: StepExtension,
  settings: SearchSettings,
): SearchNode {
  const tokens =
    parent.tokens === undefined || extension.completionTokens === undefined
      ? undefined
      : parent.tokens + extension.completionTokens;
  const spent =
    settings.maxSolutionTokens !== undefined && tokens !== undefined && tokens >= settings.maxSolutionTokens;
  const forced = !extension.final && (extension.steps.length >= settings.maxSteps || spent);
  return {
    id: extension.id,
    parent,
    steps: extension.steps,
    final: extension.final || forced,
    finishReason: forced ? "length" : extension.final ? "stop" : extension.finishReason,
    tokens,
    logprob:
      parent.logprob === undefined || extension.logprob === undefined
        ? undefined
        : parent.logprob + extension.logprob,
    rewards: undefined,
    value: undefined,
  };
}
