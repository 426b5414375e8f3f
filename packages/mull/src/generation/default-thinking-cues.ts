import type { ThinkingCues } from "../spec/index.ts";

/**
 * The cues of a model nothing is known about: `\n\nFinal answer: ` makes it answer now (the `auto` answer
 * format reads the answer after "Final answer:"), and `\nWait` makes it think on, as in s1's budget
 * forcing (Muennighoff et al. 2025). A reasoning model with a thinking section is better served by cues
 * that close it, e.g. `\n</think>\n\nFinal answer: `: give those as strategy options or in its profile.
 *
 * @example
 * const cue = context.thinkingCues?.answerCue ?? defaultThinkingCues.answerCue;
 */
export const defaultThinkingCues: ThinkingCues = {
  answerCue: "\n\nFinal answer: ",
  continueCue: "\nWait",
};
