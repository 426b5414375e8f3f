import { refuseUnusedDataDir } from "./data-dir-option.ts";
import { refuseUnusedFlags } from "./refuse-unused-flags.ts";
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

/**
 * Refuses, before the dataset and the model load, a flag the run would ignore without a word, naming it
 * and why, as `--question-field` on a generated dataset and `--base-url` with `--backend embedded` are:
 * the backend's and the strategies' flags as `refuseUnusedFlags` refuses them (`--api-key-env` without a
 * server, `--prm-model` and `--prm-api-key-env` without an HTTP PRM, `--scorer` or `--prm` when no
 * strategy of `--strategies` uses one), `--data-dir` for a dataset other than the built-in files (and an
 * empty `--data-dir`, which would be the working directory), and `--max-line-bytes` for a generated (lab)
 * dataset.
 *
 * @throws UsageError naming the flag, its value and why it does not apply.
 * @example
 * refuseUnusedBenchFlags({ dataset: "lab:hard", strategies: ["greedy"], prm: "exact" }, "embedded");
 * // throws: --prm exact applies to strategies that use a process reward model (…); --strategies greedy names none
 */
export function refuseUnusedBenchFlags(flags: BenchFlagsInUse, backend: "embedded" | "openai"): void {
  const { strategies, apiKeyEnv, scorer, prm, prmModel, prmApiKeyEnv } = flags;
  refuseUnusedFlags(
    { strategies, apiKeyEnv, scorer, prm, prmModel, prmApiKeyEnv },
    { backend, specFlag: "--strategies" },
  );
  refuseUnusedDataDir(flags.dataDir, flags.dataset);
  if (flags.maxLineBytes !== undefined && flags.dataset.startsWith("lab:")) {
    throw new UsageError(
      `--max-line-bytes ${flags.maxLineBytes} applies to datasets read from files only; ${flags.dataset} is generated`,
      "--max-line-bytes",
    );
  }
}
