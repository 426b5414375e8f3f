import type { ProcessRewardModel, Strategy } from "../spec/index.ts";
import type { SpecValues, StrategyEntry } from "../strategies/strategy-entry.ts";

/**
 * A step-level search's entry in the strategy catalog: one spec form, a summary, and a factory that
 * receives the spec's integers and the process reward model every search needs.
 *
 * @example
 * export const particleFilterEntry = searchEntry("pf@N", "particle filtering", ({ N }, prm) => particleFilter({ n: N!, prm }));
 */
export function searchEntry(
  form: string,
  summary: string,
  create: (values: SpecValues, prm: ProcessRewardModel) => Strategy,
): StrategyEntry {
  return {
    forms: [form],
    kind: "search",
    summary,
    needs: ["prm", "steps"],
    create: (values, dependencies) => create(values, dependencies.prm),
  };
}
