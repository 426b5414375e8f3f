import { labDatasetNames } from "../lab/index.ts";
import { UsageError } from "./usage-error.ts";

/**
 * Refuses a `lab:` dataset name the lab does not generate (`lab:7`), naming the flag and listing the lab's
 * datasets, before anything loads; other names pass.
 *
 * @throws UsageError naming `flag`.
 * @example
 * checkLabDataset("lab:7", "--dataset"); // throws: --dataset lab:7: not a lab dataset; expected one of lab:1, …
 */
export function checkLabDataset(name: string, flag: string): void {
  if (!name.startsWith("lab:") || labDatasetNames.includes(name)) return;
  throw new UsageError(
    `${flag} ${name}: not a lab dataset; expected one of ${labDatasetNames.join(", ")}`,
    flag,
  );
}
