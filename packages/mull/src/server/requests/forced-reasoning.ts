import type { Candidate } from "../../spec/index.ts";

/** What `splitReasoning` reads of a choice (an `OutcomeChoice`). */
interface SplittableChoice {
  readonly text: string;
  readonly toolCalls?: readonly unknown[] | undefined;
  readonly reasoning?: string | undefined;
}

/**
 * A choice of a request whose thinking mull cut at its budget, split where the answer was asked for: the
 * text before the last answer cue is its `reasoning`, the cue and the answer after it (trimmed) its
 * `text`. A choice without the cue (one that ended in calls, or never reached an answer) stays whole.
 *
 * @example
 * splitReasoning({ text: "6*7 is 42\n\nFinal answer: 42", finishReason: "stop" }, "\n\nFinal answer: ");
 * // { text: "Final answer: 42", finishReason: "stop", reasoning: "6*7 is 42" }
 */
export function splitReasoning<Choice extends SplittableChoice>(choice: Choice, answerCue: string): Choice {
  const cue = answerCue.trim();
  const at = cue === "" || choice.toolCalls !== undefined ? -1 : choice.text.lastIndexOf(cue);
  if (at < 0) return choice;
  return { ...choice, reasoning: choice.text.slice(0, at).trim(), text: choice.text.slice(at).trim() };
}

/**
 * The thinking tokens of a run's samples, summed: what each wrote before it was asked for its answer
 * (all of a trace that ended on its own); `undefined` when a sample's count is unknown.
 */
export function reasoningTokensOf(candidates: readonly Candidate[]): number | undefined {
  let total = 0;
  for (const candidate of candidates) {
    if (candidate.thinkingTokens === undefined) return undefined;
    total += candidate.thinkingTokens;
  }
  return total;
}
