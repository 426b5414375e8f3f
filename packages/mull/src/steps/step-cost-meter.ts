import type { BudgetPlan } from "../budget/index.ts";
import { estimatedCharactersPerToken } from "../generation/index.ts";
import type { Usage } from "../spec/index.ts";

/**
 * What one-step extensions have cost so far in a run, used to size the next calls against the budget:
 * generated tokens per step and prompt tokens per prompt character.
 */
export interface StepCostMeter {
  /** Records a call: the characters of its prompt, its usage and how many steps it produced. */
  observe(promptCharacters: number, usage: Usage, steps: number): void;
  /** Mean generated tokens per step seen so far; `undefined` before any (or when none were reported). */
  readonly stepTokens: number | undefined;
  /**
   * The budget plan of extending partial solutions whose prompts have these lengths (in characters), with
   * `n` steps each. A backend without native `n` makes `n` calls per prompt.
   */
  plan(promptCharacters: readonly number[], n: number, nativeN: boolean): BudgetPlan;
}

/**
 * A fresh meter for one run. `stepTokens` seeds the estimate before anything was measured (e.g. the
 * step's `maxTokens` for a pessimistic plan).
 *
 * @example
 * const meter = createStepCostMeter();
 * const extension = await extendOneStep({ problem, steps: [], n: 4, context, meter });
 */
export function createStepCostMeter(
  initial: { readonly stepTokens?: number | undefined } = {},
): StepCostMeter {
  let steps = 0;
  let stepTokens = 0;
  let promptCharacters = 0;
  let promptTokens = 0;
  return {
    observe(characters, usage, produced) {
      if (usage.completionTokens !== undefined && produced > 0) {
        steps += produced;
        stepTokens += usage.completionTokens;
      }
      if (usage.promptTokens !== undefined && usage.calls > 0) {
        promptCharacters += characters * usage.calls;
        promptTokens += usage.promptTokens;
      }
    },
    get stepTokens() {
      return steps > 0 ? stepTokens / steps : initial.stepTokens;
    },
    plan(characters, n, nativeN) {
      const perCharacter =
        promptCharacters > 0 ? promptTokens / promptCharacters : 1 / estimatedCharactersPerToken;
      const callsEach = nativeN ? 1 : n;
      const prompts = characters.reduce((sum, count) => sum + count * perCharacter * callsEach, 0);
      return {
        calls: characters.length * callsEach,
        completions: characters.length * n,
        promptTokens: prompts,
        completionTokensEach: steps > 0 ? stepTokens / steps : initial.stepTokens,
      };
    },
  };
}
