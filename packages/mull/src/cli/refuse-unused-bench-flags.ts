import { isAllocationSpec } from "../routing/index.ts";
import { findStrategyEntry, type StrategyNeed, strategyCatalog } from "../strategies/index.ts";
import { refuseUnusedDataDir } from "./data-dir-option.ts";
import { UsageError } from "./usage-error.ts";

/** The `mull bench` flags (or a queued run's recipe) whose use depends on the dataset, backend and strategies. */
export interface BenchFlagsInUse {
  readonly dataset: string;
  readonly dataDir?: string | undefined;
  readonly maxLineBytes?: number | undefined;
  readonly strategies: readonly string[];
  readonly apiKeyEnv?: string | undefined;
  readonly scorer?: string | undefined;
  readonly prm?: string | undefined;
  readonly prmModel?: string | undefined;
  readonly prmApiKeyEnv?: string | undefined;
}

/** Whether a strategy of the list is built with what `need` names (a spec in no catalog form needs nothing). */
function anyNeeds(strategies: readonly string[], need: StrategyNeed): boolean {
  return strategies.some(
    (spec) => !isAllocationSpec(spec) && findStrategyEntry(spec)?.entry.needs.includes(need) === true,
  );
}

/** The catalog forms of the strategies that need `need`, for a message: `bon@N, wv@N, …`. */
function formsNeeding(need: StrategyNeed): string {
  return strategyCatalog
    .filter((entry) => entry.needs.includes(need))
    .map((entry) => entry.forms[0])
    .join(", ");
}

/**
 * Refuses, before the dataset and the model load, a flag the run would ignore without a word, naming it
 * and why, as `--question-field` on a generated dataset and `--base-url` with `--backend embedded` are:
 * `--api-key-env` without a server (`embedded`: the key is read for `--base-url` only), `--prm-model` and
 * `--prm-api-key-env` without an HTTP PRM (`--prm URL`), `--data-dir` for a dataset other than the
 * built-in files (and an empty `--data-dir`, which would be the working directory), `--max-line-bytes`
 * for a generated (lab) dataset, and `--scorer` or `--prm` when no strategy of `--strategies` uses one.
 *
 * @throws UsageError naming the flag, its value and why it does not apply.
 * @example
 * refuseUnusedBenchFlags({ dataset: "lab:hard", strategies: ["greedy"], prm: "exact" }, "embedded");
 * // throws: --prm exact applies to strategies that use a process reward model (…); --strategies greedy names none
 */
export function refuseUnusedBenchFlags(flags: BenchFlagsInUse, backend: "embedded" | "openai"): void {
  if (flags.apiKeyEnv !== undefined && backend === "embedded") {
    throw new UsageError(
      `--api-key-env ${flags.apiKeyEnv} applies to an OpenAI-compatible server (--base-url) only; the embedded backend takes no key`,
      "--api-key-env",
    );
  }
  const httpPrm = flags.prm !== undefined && /^https?:\/\//.test(flags.prm);
  for (const [flag, value] of [
    ["--prm-model", flags.prmModel],
    ["--prm-api-key-env", flags.prmApiKeyEnv],
  ] as const) {
    if (value === undefined || httpPrm) continue;
    const given = flags.prm === undefined ? "no --prm was given" : `--prm ${flags.prm} is not one`;
    throw new UsageError(`${flag} ${value} applies to an HTTP PRM (--prm URL) only; ${given}`, flag);
  }
  const generated = flags.dataset.startsWith("lab:");
  refuseUnusedDataDir(flags.dataDir, flags.dataset);
  if (flags.maxLineBytes !== undefined && generated) {
    throw new UsageError(
      `--max-line-bytes ${flags.maxLineBytes} applies to datasets read from files only; ${flags.dataset} is generated`,
      "--max-line-bytes",
    );
  }
  for (const [flag, value, need, what] of [
    ["--scorer", flags.scorer, "scorer", "an outcome scorer"],
    ["--prm", flags.prm, "prm", "a process reward model"],
  ] as const) {
    if (value === undefined || anyNeeds(flags.strategies, need)) continue;
    throw new UsageError(
      `${flag} ${value} applies to strategies that use ${what} (${formsNeeding(need)}); ` +
        `--strategies ${flags.strategies.join(",")} names none`,
      flag,
    );
  }
}
