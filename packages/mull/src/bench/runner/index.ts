export { type BenchPlan, planBench } from "./bench-plan.ts";
export {
  type BenchProgress,
  type BenchProgressOptions,
  type BenchProgressUpdate,
  createBenchProgress,
} from "./bench-progress.ts";
export { BenchRunError } from "./bench-run-error.ts";
export {
  type BenchStrategySummary,
  type BenchSummary,
  type BenchTokenSummary,
  summarizeBench,
} from "./bench-summary.ts";
export { problemSeed } from "./problem-seed.ts";
export { type BenchRunResult, runBench } from "./run-bench.ts";
export type { RunBenchOptions } from "./run-bench-options.ts";
export { type PairContext, type PairOutcome, pairContext, runPair } from "./run-pair.ts";
export { type BenchPair, type StartedBenchRun, startBenchRun } from "./start-bench-run.ts";
export {
  type BenchStrategy,
  expandStrategySweep,
  formatTemperature,
  isPairStrategy,
  type PairStrategy,
  type StrategySweepOptions,
} from "./strategy-sweep.ts";
