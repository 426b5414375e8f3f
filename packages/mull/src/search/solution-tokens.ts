import { estimatedCharactersPerToken } from "../generation/index.ts";
import type { SearchNode } from "./search-node.ts";
import type { SearchSettings } from "./search-settings.ts";

/**
 * A search run's reckoning of the tokens its paths generated, which sizes each step (and rollout) within
 * the solution limit. A path whose count is unknown (an HTTP server that answers several choices in one
 * response reports only their sum) is reckoned from its characters, so that its next steps still ask only
 * for what the limit leaves: asking for a whole step's tokens each time would let prompt plus `max_tokens`
 * grow past a small context window (the lab models' 256 tokens) as the path grows.
 */
export interface SolutionTokens {
  /**
   * Records a wave of steps: the completion tokens its calls reported in sum (`undefined` where any call
   * did not say) and the steps they wrote. It teaches the tokens per character unknown paths are reckoned at.
   */
  observe(completionTokens: number | undefined, steps: readonly string[]): void;
  /**
   * The tokens a path generated: its count where every step's is known, else its characters (each step
   * and the delimiter that ended it) at the tokens per character the waves reported, else at
   * `estimatedCharactersPerToken`, rounded up.
   */
  of(node: Pick<SearchNode, "tokens" | "steps">): number;
  /** Tokens the path's next step may generate: `maxStepTokens`, within what `maxSolutionTokens` leaves. */
  stepAllowance(node: Pick<SearchNode, "tokens" | "steps">): number;
  /** Tokens a rollout from the path may generate: what `maxSolutionTokens` leaves (at least 1), if set. */
  rolloutAllowance(node: Pick<SearchNode, "tokens" | "steps">): number | undefined;
  /**
   * Whether a path whose count is unknown is reckoned to have used all of `maxSolutionTokens`, as a path
   * with a known count that reaches it is complete (finish reason `length`).
   */
  spent(node: Pick<SearchNode, "tokens" | "steps">): boolean;
}

/**
 * A fresh reckoning for one run with these settings.
 *
 * @example
 * const solutionTokens = createSolutionTokens(settings);
 * solutionTokens.observe(wave.usage.completionTokens, wave.extensions.flat().map((extension) => extension.step));
 * const maxTokens = solutionTokens.stepAllowance(node);
 */
export function createSolutionTokens(
  settings: Pick<SearchSettings, "format" | "maxStepTokens" | "maxSolutionTokens">,
): SolutionTokens {
  const delimiter = settings.format.delimiter.length;
  let reportedTokens = 0;
  let reportedCharacters = 0;
  const characters = (steps: readonly string[]): number =>
    steps.reduce((sum, step) => sum + step.length + delimiter, 0);
  const of = (node: Pick<SearchNode, "tokens" | "steps">): number => {
    if (node.tokens !== undefined) return node.tokens;
    const perCharacter =
      reportedCharacters > 0 ? reportedTokens / reportedCharacters : 1 / estimatedCharactersPerToken;
    return Math.ceil(characters(node.steps) * perCharacter);
  };
  const left = (node: Pick<SearchNode, "tokens" | "steps">): number | undefined =>
    settings.maxSolutionTokens === undefined ? undefined : settings.maxSolutionTokens - of(node);
  return {
    observe(completionTokens, steps) {
      if (completionTokens === undefined || steps.length === 0) return;
      reportedTokens += completionTokens;
      reportedCharacters += characters(steps);
    },
    of,
    stepAllowance(node) {
      return Math.min(settings.maxStepTokens, left(node) ?? settings.maxStepTokens);
    },
    rolloutAllowance(node) {
      const tokens = left(node);
      return tokens === undefined ? undefined : Math.max(1, tokens);
    },
    spent(node) {
      const tokens = left(node);
      return node.tokens === undefined && tokens !== undefined && tokens <= 0;
    },
  };
}
