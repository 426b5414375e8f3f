import type { BudgetPlan } from "../budget/index.ts";
import { estimatedCharactersPerToken, promptCharges } from "../generation/index.ts";
import type { BackendCapabilities, Usage } from "../spec/index.ts";

/** The capabilities that say how a call is made and charged: native `n`, and its prompt per completion. */
type CallCapabilities = Pick<BackendCapabilities, "n" | "promptPerCompletion">;

/**
 * What one-step extensions have cost so far in a run, used to size the next calls against the budget:
 * generated tokens per step and prompt tokens per prompt character.
 */
export interface StepCostMeter {
  /**
   * Records a call: the characters of its prompt, its usage, how many steps it produced (the completions
   * it returned), and the backend's capabilities (how many times the call charged its prompt, `promptCharges`).
   */
  observe(promptCharacters: number, usage: Usage, steps: number, capabilities: CallCapabilities): void;
  /** Mean generated tokens per step seen so far; `undefined` before any (or when none were reported). */
  readonly stepTokens: number | undefined;
  /**
   * The budget plan of extending partial solutions whose prompts have these lengths (in characters), with
   * `n` steps each, on a backend with these capabilities: one without native `n` makes `n` calls per
   * prompt, and one that charges the prompt per completion (`promptPerCompletion`) charges it `n` times.
   */
  plan(promptCharacters: readonly number[], n: number, capabilities: CallCapabilities): BudgetPlan;
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
    observe(characters, usage, produced, capabilities) {
      if (usage.completionTokens !== undefined && produced > 0) {
        steps += produced;
        stepTokens += usage.completionTokens;
      }
      const charges = promptCharges(capabilities, produced, usage.calls);
      if (usage.promptTokens !== undefined && charges > 0) {
        promptCharacters += characters * charges;
        promptTokens += usage.promptTokens;
      }
    },
    get stepTokens() {
      return steps > 0 ? stepTokens / steps : initial.stepTokens;
    },
    plan(characters, n, capabilities) {
      const perCharacter =
        promptCharacters > 0 ? promptTokens / promptCharacters : 1 / estimatedCharactersPerToken;
      const callsEach = capabilities.n ? 1 : n;
      const chargesEach = promptCharges(capabilities, n);
      const prompts = characters.reduce((sum, count) => sum + count * perCharacter * chargesEach, 0);
      return {
        calls: characters.length * callsEach,
        completions: characters.length * n,
        promptTokens: prompts,
        completionTokensEach: steps > 0 ? stepTokens / steps : initial.stepTokens,
      };
    },
  };
}
