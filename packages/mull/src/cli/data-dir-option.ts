import { Option } from "@commander-js/extra-typings";
import { builtinDatasetFormats, describeDefaultDataDir } from "../bench/datasets/index.ts";

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
