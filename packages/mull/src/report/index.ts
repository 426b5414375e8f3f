export {
  type RunCompleteness,
  runCompleteness,
  type StrategyCompleteness,
} from "../bench/index.ts";
export {
  type AccuracyTokensLabel,
  type AccuracyTokensPlot,
  type AccuracyTokensPoint,
  accuracyTokensSpec,
  type CounterpartLink,
  type TokenMeasure,
} from "./accuracy-tokens-spec.ts";
export { type BuildReportOptions, buildReport, type Report, type ReportPlotName } from "./build-report.ts";
export { confidenceSection } from "./confidence-section.ts";
export { type CoveragePlot, type CoveragePlotValue, coverageSpec } from "./coverage-spec.ts";
export { describeIncompleteRun } from "./describe-incomplete-run.ts";
export { difficultySpec } from "./difficulty-spec.ts";
export { instabilitySpec } from "./instability-spec.ts";
export { type ReliabilityPoint, reliabilitySpec } from "./reliability-spec.ts";
export { type RenderPngOptions, renderPng } from "./render-png.ts";
export { renderSvg } from "./render-svg.ts";
export {
  type FixedSamplesStrategy,
  type SamplesSpentBin,
  type SamplesSpentPlot,
  samplesSpentSpec,
} from "./samples-spent-spec.ts";
export { type ReportPathFields, type WriteReportOptions, writeReport } from "./write-report.ts";
