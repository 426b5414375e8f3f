export { areaUnderRoc } from "./area-under-roc.ts";
export { type Calibration, calibration, type ReliabilityBin } from "./calibration.ts";
export { passAtK } from "./pass-at-k.ts";
