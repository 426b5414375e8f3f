export {
  type ConfigChange,
  canonicalJson,
  configDiff,
  configHash,
  formatConfigChanges,
} from "./config-diff.ts";
export { describeMachine } from "./describe-machine.ts";
export { loadRun } from "./load-run.ts";
export { RunConfigChangedError } from "./run-config-changed-error.ts";
export { RunInProgressError } from "./run-in-progress-error.ts";
export { acquireRunLock, lockFileName, type RunLock } from "./run-lock.ts";
export {
  databaseFileName,
  manifestFileName,
  openRunStore,
  pairKey,
  type ResultRecord,
  type RunStore,
  type RunStoreOptions,
  type StoredProblem,
  type StoredRun,
  type SynchronousMode,
} from "./run-store.ts";
