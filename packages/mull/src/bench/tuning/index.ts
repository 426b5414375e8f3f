export { type FindKneeOptions, findKnees, type TuningKnee, type TuningSaturation } from "./find-knee.ts";
export { formatTuningReport } from "./format-tuning-report.ts";
export {
  type LoadLevelOptions,
  type LoadLevelRun,
  type RequestMeasurement,
  runLoadLevel,
} from "./run-load-level.ts";
export {
  defaultTuningConcurrencies,
  runTuningSweep,
  type TuningReport,
  type TuningSweepOptions,
} from "./run-tuning-sweep.ts";
export {
  type LatencyPercentiles,
  type LoadLevelSummary,
  summarizeLoadLevel,
} from "./summarize-load-level.ts";
