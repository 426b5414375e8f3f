import type { MachinePerformance } from "./inference-cost.ts";

/** Settings of {@link measureMachine}. */
export interface MeasureMachineOptions {
  /** Bytes of each of the two buffers the bandwidth copy uses; default 64 MiB (beyond every cache). */
  readonly bufferBytes?: number | undefined;
  /** Multiply-adds per FLOP/s trial; default 20 million. */
  readonly multiplyAdds?: number | undefined;
  /** Trials of each measurement; the fastest counts. Default 3. */
  readonly trials?: number | undefined;
  /** Monotonic time in milliseconds; default `performance.now`. */
  readonly now?: (() => number) | undefined;
}

function fastest(trials: number, now: () => number, work: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let trial = 0; trial < trials; trial += 1) {
    const start = now();
    work();
    best = Math.min(best, now() - start);
  }
  // A clock too coarse to see the work still gives a finite rate.
  return Math.max(best, 1e-3) / 1000;
}

/**
 * Measures this machine's memory bandwidth (copying a large `Float64Array`: each byte read once and written
 * once) and floating-point rate (a loop of independent multiply-adds on doubles), on one thread in
 * JavaScript; the fastest of a few trials counts. Native SIMD code (llama.cpp) reaches more FLOP/s than
 * scalar JavaScript, so a roofline on these rates is a rough, not a strict, lower bound. Takes a few
 * hundred milliseconds; {@link machinePerformance} measures once per process.
 *
 * @example
 * const { flopsPerSecond, bytesPerSecond } = measureMachine();
 */
export function measureMachine(options: MeasureMachineOptions = {}): MachinePerformance {
  const now = options.now ?? (() => performance.now());
  const trials = options.trials ?? 3;
  const length = Math.max(1, Math.floor((options.bufferBytes ?? 64 * 1024 * 1024) / 8));
  const source = new Float64Array(length).fill(1.5);
  const target = new Float64Array(length);
  const copySeconds = fastest(trials, now, () => target.set(source));

  const multiplyAdds = Math.max(4, options.multiplyAdds ?? 20_000_000);
  let sink = 0;
  const loopSeconds = fastest(trials, now, () => {
    // Four independent chains, so the loop is not bound by one chain's latency.
    let a = 1;
    let b = 1.1;
    let c = 1.2;
    let d = 1.3;
    const factor = 0.999_999;
    const add = 1e-7;
    for (let index = 0; index < multiplyAdds; index += 4) {
      a = a * factor + add;
      b = b * factor + add;
      c = c * factor + add;
      d = d * factor + add;
    }
    sink += a + b + c + d;
  });
  if (!Number.isFinite(sink) || target[length - 1] !== 1.5) throw new Error("machine measurement misbehaved");
  return {
    flopsPerSecond: (2 * multiplyAdds) / loopSeconds,
    bytesPerSecond: (2 * length * 8) / copySeconds,
    source: "measured in JavaScript on 1 thread (Float64Array copy; scalar multiply-adds)",
  };
}

let measured: MachinePerformance | undefined;

/**
 * This machine's peak rates by {@link measureMachine}, measured on the first call and cached for the process.
 *
 * @example
 * const machine = machinePerformance();
 */
export function machinePerformance(): MachinePerformance {
  measured ??= measureMachine();
  return measured;
}
