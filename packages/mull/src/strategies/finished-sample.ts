import type { Candidate } from "../spec/index.ts";

/**
 * Whether a candidate is a sample that ran to its end: not aborted, and not cut short (a trace a token
 * watcher or the run gave up on, finish reason `cut`). A sample that ended at its own `maxTokens` counts.
 *
 * @example
 * const usable = result.candidates.filter(finishedSample);
 */
export function finishedSample(candidate: Candidate): boolean {
  return candidate.finishReason !== "abort" && candidate.finishReason !== "cut";
}
