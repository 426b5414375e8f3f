import type { GenerationResult, Tracer } from "../spec/index.ts";

/** Where `recordUnstartedCall` records a call. */
export interface UnstartedCallPlace {
  /** Trace node the generation hangs under. */
  readonly parentId: string | undefined;
  /** Step index recorded on the generation, for step-level search. */
  readonly step?: number | undefined;
}

/**
 * Records a call cut before any completion began (a request sent, its stream not started: no completion
 * came back, yet the backend charged a call) as one `generation` event with no text, finish reason
 * `abort` and the call's usage, so that the trace accounts for every call charged (`usageByModel`).
 * Records nothing for a result with completions, or one that charged no call.
 *
 * @example
 * recordUnstartedCall(context.tracer, result, { parentId, step });
 */
export function recordUnstartedCall(
  tracer: Tracer,
  result: GenerationResult,
  place: UnstartedCallPlace,
): void {
  // A result with completions records them; one that charged no call has nothing to account for.
  const unstarted = result.completions.length === 0 && result.usage.calls > 0;
  if (!unstarted) return;
  tracer.record({
    type: "generation",
    parentId: place.parentId,
    text: "",
    finishReason: "abort",
    completionTokens: result.usage.completionTokens,
    model: result.model,
    ...(place.step === undefined ? {} : { step: place.step }),
    usage: result.usage,
  });
}
