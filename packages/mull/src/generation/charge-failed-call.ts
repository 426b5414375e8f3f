import { usageFault } from "../budget/index.ts";
import { BackendCallError, findCause } from "../errors/index.ts";
import type { StrategyContext, Usage } from "../spec/index.ts";
import { countedPromptUsage } from "./counted-prompt-usage.ts";

/** Characters of a failure's message quoted in the trace note. */
const quotedCharacters = 300;

/** Where `chargeFailedCall` records a failed call, and how it counts a prompt the backend could not tell. */
export interface FailedCallPlace {
  /** Trace node the generation and the note hang under. */
  readonly parentId: string | undefined;
  /** Step index recorded on the generation, for step-level search. */
  readonly step?: number | undefined;
  /**
   * The tokens each request of the call charges its prompt, where the backend counted them before the
   * call (`GenerateRecordedOptions.countedPromptTokens`); default none.
   */
  readonly countedPromptTokens?: number | undefined;
}

/** Whether a usage tells that something was used: a request made, or a token read or written. */
function usedAnything(usage: Usage): boolean {
  return usage.calls > 0 || (usage.promptTokens ?? 0) > 0 || (usage.completionTokens ?? 0) > 0;
}

/**
 * Charges to the run's budget what a call that failed had used, as its error tells
 * (`BackendCallError.usage`, found anywhere in its chain of causes: the tokens a stream generated before it
 * broke, what a retry chain that gave up had been delivered), and records it in the trace as a call that
 * returned would be: one `generation` with no text, finish reason `unknown` (the call never said how it
 * ended), the tokens generated and the call's usage, so that `usageByModel` adds up to the run's usage, and
 * a `note` naming the failure. A prompt the usage leaves unknown is charged as counted before the call
 * (`countedPromptUsage`): a stream breaks only after the server read its prompt. The caller rethrows the
 * error after this. Why: the upstream spent those tokens all the same, and a run that goes on without the
 * call (a trace lost among several) reports them in its usage.
 *
 * @returns The usage charged; `undefined` when the error tells none, or one that used nothing or breaks the
 * `Usage` contract (`usageFault`): nothing is charged or recorded then, and the failure passes on as it is.
 * @example
 * try {
 *   result = await backend.generate(request, { signal });
 * } catch (error) {
 *   chargeFailedCall(context, error, { parentId });
 *   throw error;
 * }
 */
export function chargeFailedCall(
  context: Pick<StrategyContext, "backend" | "budget" | "tracer">,
  error: unknown,
  place: FailedCallPlace,
): Usage | undefined {
  const failed = findCause(
    error,
    (cause): cause is BackendCallError => BackendCallError.isInstance(cause) && cause.usage !== undefined,
  );
  const told = failed?.usage;
  if (told === undefined || usageFault(told) !== undefined || !usedAnything(told)) return undefined;
  const usage = countedPromptUsage(told, place.countedPromptTokens);
  const { budget, tracer } = context;
  const described = context.backend.describe();
  budget.charge(usage);
  tracer.record({
    type: "generation",
    parentId: place.parentId,
    text: "",
    finishReason: "unknown",
    completionTokens: usage.completionTokens,
    model: described.model,
    ...(place.step === undefined ? {} : { step: place.step }),
    usage,
  });
  const generated =
    usage.completionTokens === undefined ? "an unknown number of tokens" : `${usage.completionTokens} tokens`;
  const unknown =
    usage.promptTokens === undefined || usage.completionTokens === undefined
      ? " (it could not tell every token: the run's token counts are unknown)"
      : "";
  const message = error instanceof Error ? error.message : String(error);
  tracer.record({
    type: "note",
    parentId: place.parentId,
    message: `${described.kind} backend call failed after generating ${generated}, charged to the run${unknown}: ${message.slice(0, quotedCharacters)}`,
  });
  return usage;
}
