import { ConfigError } from "../../errors/index.ts";
import { type ConfigChange, formatConfigChanges } from "./config-diff.ts";
import { describeRunLocation, type RunLocation } from "./run-location.ts";

const marker = Symbol.for("mull.error.run-config-changed");

/** A resume asked for a configuration that differs from the stored run's; the message lists each change. */
export class RunConfigChangedError extends ConfigError {
  protected readonly [marker] = true;
  readonly changes: readonly ConfigChange[];

  /**
   * @param where the run's location (a string is a run directory)
   */
  constructor(where: RunLocation | string, changes: readonly ConfigChange[]) {
    const location: RunLocation = typeof where === "string" ? { kind: "sqlite", directory: where } : where;
    const database = location.kind === "postgres";
    super(
      `cannot resume ${database ? "the " : "the run in "}${describeRunLocation(location)}: its configuration changed (stored → requested):\n` +
        `${formatConfigChanges(changes)}\n` +
        `Resume with the original settings, or start a new run in another --out ${database ? "name" : "directory"}.`,
      { field: changes[0]?.field },
    );
    this.name = "RunConfigChangedError";
    this.changes = changes;
  }

  static override isInstance(error: unknown): error is RunConfigChangedError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
