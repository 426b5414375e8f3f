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
export {
  type BenchStrategy,
  expandStrategySweep,
  formatTemperature,
  type StrategySweepOptions,
} from "./strategy-sweep.ts";
