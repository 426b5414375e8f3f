import type { MachinePerformance } from "./inference-cost.ts";

/**
 * The highest FLOP/s and the highest bandwidth among several measurements of one machine's peak rates (e.g.
 * scalar JavaScript's and llama.cpp's own kernels'), each with where it came from: the closest to the peak,
 * as a measurement never exceeds what the machine can do, and a lower one (scalar JavaScript against SIMD
 * kernels) would make the idealized time too long. Still no more than a measurement: on a busy machine the
 * highest can fall below what the machine later reaches (see `summarizeInferenceCost`, which raises them).
 * `undefined` when there are none.
 *
 * @example
 * highestRates([javascript, llamaCpp]); // FLOP/s from llama.cpp, bandwidth from JavaScript's copy
 */
export function highestRates(measured: readonly MachinePerformance[]): MachinePerformance | undefined {
  const [first, ...others] = measured;
  if (first === undefined) return undefined;
  let flops = first;
  let bytes = first;
  for (const rates of others) {
    if (rates.flopsPerSecond > flops.flopsPerSecond) flops = rates;
    if (rates.bytesPerSecond > bytes.bytesPerSecond) bytes = rates;
  }
  const source =
    flops === bytes
      ? flops.source
      : `FLOP/s ${flops.source ?? "of unknown source"}; bandwidth ${bytes.source ?? "of unknown source"}`;
  return {
    flopsPerSecond: flops.flopsPerSecond,
    bytesPerSecond: bytes.bytesPerSecond,
    ...(source === undefined ? {} : { source }),
  };
}
