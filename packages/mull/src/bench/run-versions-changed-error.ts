import { ConfigError } from "../errors/index.ts";
import {
  type ConfigChange,
  describeRunLocation,
  formatConfigChanges,
  type RunLocation,
} from "./store/index.ts";

const marker = Symbol.for("mull.error.run-versions-changed");

/**
 * A resume would run the stored run's pairs with other versions of mull or of its backend's software than
 * the run records (`softwareChanges`), which can change results where the configuration hash does not
 * look: refused as a queue worker with other versions is. The message lists each version with the run's
 * value and this process's; `field` names the first (`versions.mull`).
 */
export class RunVersionsChangedError extends ConfigError {
  protected readonly [marker] = true;
  /** Each differing version: `versions.<name>`, the run's value (`stored`) and this process's (`requested`). */
  readonly changes: readonly ConfigChange[];

  /**
   * @param where the run's location
   * @param changes the differing versions, as `softwareChanges` lists them
   */
  constructor(where: RunLocation, changes: readonly ConfigChange[]) {
    const database = where.kind === "postgres";
    super(
      `cannot resume ${database ? "the " : "the run in "}${describeRunLocation(where)}: it was recorded with ` +
        "other versions than this process runs (stored → current), which can change its results:\n" +
        `${formatConfigChanges(changes)}\n` +
        `Resume with the run's versions, or start a new run in another --out ${database ? "name" : "directory"}.`,
      { field: changes[0]?.field },
    );
    this.name = "RunVersionsChangedError";
    this.changes = changes;
  }

  static override isInstance(error: unknown): error is RunVersionsChangedError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
