/**
 * The power an energy estimate assumes, with the assumption said in words: energy is never measured here
 * (no power meter is read), only time × a stated power.
 */
export interface PowerAssumption {
  /** Watts drawn while generating. */
  readonly watts: number;
  /** Where the figure comes from, shown beside every energy figure. */
  readonly basis: string;
}

/** Settings of {@link cpuPower}. */
export interface CpuPowerOptions {
  /** Watts per busy core; default 10 (a server CPU's TDP of about 150–250 W over 16–32 cores). */
  readonly wattsPerCore?: number | undefined;
  /** Busy cores; default 1 (the embedded backend's default of one thread). */
  readonly cores?: number | undefined;
}

/** Default watts per busy core of {@link cpuPower}. */
export const defaultWattsPerCore = 10;

/**
 * The power of `cores` busy CPU cores at `wattsPerCore` each, as a stated assumption (idle power, memory and
 * the rest of the machine left out).
 *
 * @example
 * cpuPower({ cores: 4 }); // { watts: 40, basis: "assumed 10 W per busy core × 4 cores (TDP share; idle, memory and the rest of the machine left out)" }
 */
export function cpuPower(options: CpuPowerOptions = {}): PowerAssumption {
  const wattsPerCore = options.wattsPerCore ?? defaultWattsPerCore;
  const cores = options.cores ?? 1;
  return {
    watts: wattsPerCore * cores,
    basis: `assumed ${wattsPerCore} W per busy core × ${cores} ${cores === 1 ? "core" : "cores"} (TDP share; idle, memory and the rest of the machine left out)`,
  };
}

/**
 * Joules spent in `seconds` at the assumed power: time × watts.
 *
 * @example
 * energyJoules(0.5, cpuPower()); // 5
 */
export function energyJoules(seconds: number, power: PowerAssumption): number {
  return seconds * power.watts;
}
