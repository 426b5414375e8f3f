import type { ProcessRewardModel, Strategy } from "../spec/index.ts";
import type { SpecValues, StrategyEntry } from "../strategies/strategy-entry.ts";

/**
 * A step-level search's entry in the strategy catalog: one spec form, a summary, and a factory that
 * receives the spec's integers and the process reward model every search needs. Replay cannot evaluate a
 * search: it grows partial solutions as they are generated.
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
    // `beam-laL@NxM` is the `beam-la` search.
    replay: {
      liveOnly: `${form.split("@")[0]!.replace(/[A-Z]+$/, "")}@… is a search that grows partial solutions step by step under a scorer, which needs live generation`,
    },
    create: (values, dependencies) => create(values, dependencies.prm),
  };
}
