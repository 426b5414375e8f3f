import { Option } from "@commander-js/extra-typings";
import { builtinDatasetFormats, describeDefaultDataDir } from "../bench/datasets/index.ts";
import { UsageError } from "./usage-error.ts";

/**
 * The `--data-dir` option of the commands that load datasets by name (`mull bench`, `mull tune`,
 * `mull fidelity`): the folder of the built-in datasets' files, which the dataset loader's refusal of a
 * missing file names as the way to point at them.
 *
 * @example
 * new Command("tune").addOption(dataDirOption());
 */
export function dataDirOption() {
  return new Option(
    "--data-dir <dir>",
    `the folder holding the built-in datasets' files, which you download: ${builtinDatasetFormats
      .map((entry) => entry.file)
      .join(", ")} (default: ${describeDefaultDataDir()})`,
  );
}

/**
 * Refuses, before the dataset loads, a `--data-dir` the run would ignore without a word: an empty one
 * (which would be the working directory) and one given with a dataset other than the built-in files
 * (a generated `lab:` dataset or a file of its own).
 *
 * @throws UsageError naming `--data-dir`, its value and the dataset it does not apply to.
 * @example
 * refuseUnusedDataDir("/data", "lab:mixed");
 * // throws: --data-dir /data applies to the built-in datasets (gsm8k, …) only; lab:mixed is generated
 */
export function refuseUnusedDataDir(dataDir: string | undefined, dataset: string): void {
  if (dataDir === undefined) return;
  if (dataDir.trim() === "") {
    throw new UsageError(
      `--data-dir "": expected the folder holding the built-in datasets' files (leave --data-dir out for the default)`,
      "--data-dir",
    );
  }
  const builtins = builtinDatasetFormats.map((entry) => entry.name);
  if (builtins.includes(dataset)) return;
  throw new UsageError(
    `--data-dir ${dataDir} applies to the built-in datasets (${builtins.join(", ")}) only; ` +
      `${dataset} ${dataset.startsWith("lab:") ? "is generated" : "is a file of its own"}`,
    "--data-dir",
  );
}
