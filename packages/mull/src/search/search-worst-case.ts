import { checkNumber } from "../runtime/index.ts";
import type { CostRequest, JudgedSteps } from "../spec/index.ts";
import { defaultStepFormat } from "../steps/index.ts";
import type { SearchOptions } from "./search-options.ts";
import { defaultMaxSteps } from "./search-settings.ts";

/** The calls a search makes at most on one problem. */
export interface SearchCalls {
  /**
   * One-step generations, each sample counted: each reads the prompt and the path it extends, and writes
   * one step.
   */
  readonly steps: number;
  /** Rollouts: each reads the prompt and the path it completes, and writes the rest of the solution. */
  readonly rollouts?: number | undefined;
}

/** What a search declares of its worst case (`Strategy.worstCaseTokens`, `Strategy.judgedSteps`). */
export interface SearchWorstCase {
  worstCaseTokens(request: CostRequest): number;
  judgedSteps(request: CostRequest): JudgedSteps;
}

/**
 * A search's worst case from its own limits, for `owner`'s strategy: `calls(maxSteps)` is how many
 * one-step generations and rollouts it makes at most when a path has at most `maxSteps` steps (its
 * option, default 40). A path's generated tokens are held to its solution limit (`maxSolutionTokens`,
 * default the request's `maxTokens`, where the backend reports tokens), and a call writes at most what
 * that limit leaves after the path it extends, so every call spends at most the prompt plus that limit,
 * plus the step delimiters written into its prompt (`maxSteps` of them and the format's leading text, at
 * the request's characters per token). Every step written is judged once, on a path of at most that
 * limit and `maxSteps` steps. A rollout's steps are counted as `maxSteps`, the longest solution the
 * search grows step by step: counting one-token steps, as its token limit alone would allow, reckons
 * hundreds of judged steps per rollout. A rollout that writes more is past this bound, and a run held
 * to it (a server holds a search's run to what it reserved) stops by its budget.
 *
 * @example
 * const worstCase = searchWorstCase("particleFilter", options, (maxSteps) => ({ steps: n * maxSteps }));
 * worstCase.worstCaseTokens({ promptTokens: 50, maxTokens: 200, charactersPerToken: 4 }); // 4 × 40 × (50 + 200 + 10)
 */
export function searchWorstCase(
  owner: string,
  options: SearchOptions,
  calls: (maxSteps: number) => SearchCalls,
): SearchWorstCase {
  const maxSteps = options.maxSteps ?? defaultMaxSteps;
  const format = options.format ?? defaultStepFormat;
  const made = calls(maxSteps);
  const rollouts = made.rollouts ?? 0;
  const pathTokens = (request: CostRequest): number => options.maxSolutionTokens ?? request.maxTokens;
  return {
    worstCaseTokens(request) {
      const perToken = checkNumber(
        `${owner}.worstCaseTokens`,
        "charactersPerToken",
        request.charactersPerToken ?? 1,
        { exclusiveMinimum: 0 },
      );
      const delimiters = Math.ceil((maxSteps * format.delimiter.length + format.leading.length) / perToken);
      return (made.steps + rollouts) * (request.promptTokens + pathTokens(request) + delimiters);
    },
    judgedSteps(request) {
      return {
        steps: made.steps + rollouts * maxSteps,
        each: {
          promptTokens: request.promptTokens,
          pathTokens: pathTokens(request),
          pathSteps: maxSteps,
          ...(request.charactersPerToken === undefined
            ? {}
            : { charactersPerToken: request.charactersPerToken }),
        },
      };
    },
  };
}
