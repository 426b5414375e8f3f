import type { Backend } from "../spec/index.ts";

/**
 * The most tokens a completion of a call can write in the backend's context, where the backend tells its
 * context length (`describe().architecture.contextLength`: read from an embedded model's file, or
 * configured for a server); `undefined` where it does not. `promptTokens` are all the call will be charged
 * for its prompt (`BudgetPlan.promptTokens`), over its `completions`: each request reads at least its share
 * of them, so the room is at most the context less that share, and never more. A completion cannot write
 * past its context, whatever `maxTokens` says.
 *
 * @example
 * // A 256-token context, a call of one completion whose prompt takes 13 tokens.
 * contextTokenRoom(backend, 13, 1); // 243
 */
export function contextTokenRoom(
  backend: Pick<Backend, "describe">,
  promptTokens: number | undefined,
  completions: number,
): number | undefined {
  const contextLength = backend.describe().architecture?.contextLength;
  if (contextLength === undefined) return undefined;
  return Math.max(0, Math.floor(contextLength - (promptTokens ?? 0) / Math.max(1, completions)));
}
