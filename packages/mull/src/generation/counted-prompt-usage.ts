import type { Usage } from "../spec/index.ts";

/**
 * The usage of a call that an abort ended, with its prompt charged as counted: where the backend could not
 * tell the prompt's tokens (a stream cut before the server's usage came) but counted them before the call
 * (`promptTokens` with `counted: true`: exact, as the call charges them), each request the call made
 * (`usage.calls`) is charged `countedPromptTokens`. Why: a request is cut only after it was sent, and the
 * server evaluates its prompt first, so those tokens were spent; leaving them unknown would make the whole
 * run's prompt count unknown. A usage that tells its prompt, one of a call never sent (`calls` 0), or
 * no count given: the usage as it is.
 *
 * @example
 * countedPromptUsage({ promptTokens: undefined, completionTokens: 3, calls: 1 }, 19);
 * // { promptTokens: 19, completionTokens: 3, calls: 1 }
 */
export function countedPromptUsage(usage: Usage, countedPromptTokens: number | undefined): Usage {
  if (usage.promptTokens !== undefined || countedPromptTokens === undefined || usage.calls === 0) {
    return usage;
  }
  return { ...usage, promptTokens: countedPromptTokens * usage.calls };
}
