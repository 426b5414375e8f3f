export { areaUnderRoc } from "./area-under-roc.ts";
export { type Calibration, calibration, type ReliabilityBin } from "./calibration.ts";
export {
  type CpuPowerOptions,
  cpuPower,
  defaultWattsPerCore,
  energyJoules,
  type PowerAssumption,
} from "./energy-estimate.ts";
export { highestRates } from "./highest-rates.ts";
export {
  cacheBytesPerToken,
  idealizedSeconds,
  type MachinePerformance,
  type MemoryTrafficOptions,
  type PhaseCost,
  type SequenceTokens,
  sequenceFlops,
  tokenBytes,
  tokenFlops,
  weightBytes,
} from "./inference-cost.ts";
export { type MeasureMachineOptions, machinePerformance, measureMachine } from "./measure-machine.ts";
export { passAtK } from "./pass-at-k.ts";
export { quantileCuts } from "./quantile-cuts.ts";
export {
  type HoldoutAnswer,
  type ReusableHoldout,
  type ReusableHoldoutOptions,
  reusableHoldout,
  type StatisticRange,
} from "./reusable-holdout.ts";
