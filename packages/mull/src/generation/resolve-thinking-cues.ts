import type { StrategyContext, ThinkingCues } from "../spec/index.ts";
import { defaultThinkingCues } from "./default-thinking-cues.ts";

/**
 * The cues a strategy uses: its own options first, then the run's (`context.thinkingCues`, from the
 * model's profile), then `defaultThinkingCues`, cue by cue.
 *
 * @example
 * const { answerCue } = resolveThinkingCues(context, { answerCue: options.answerCue });
 */
export function resolveThinkingCues(
  context: Pick<StrategyContext, "thinkingCues">,
  overrides: { readonly answerCue?: string | undefined; readonly continueCue?: string | undefined } = {},
): ThinkingCues {
  return {
    answerCue: overrides.answerCue ?? context.thinkingCues?.answerCue ?? defaultThinkingCues.answerCue,
    continueCue:
      overrides.continueCue ?? context.thinkingCues?.continueCue ?? defaultThinkingCues.continueCue,
  };
}
