import { ConfigError } from "../errors/index.ts";
import type { Strategy } from "../spec/index.ts";

/** Options of `refuseIdenticalSamples`. */
export interface RefuseIdenticalSamplesOptions {
  /** Who refuses, named first in the message (`solve`); none where the field says it (`--temperature`). */
  readonly owner?: string | undefined;
  /** The strategy the run would run. */
  readonly strategy: Pick<Strategy, "name" | "samples" | "parameters">;
  /** The run's sampling temperature, where it has one; `undefined` leaves the strategy's default. */
  readonly temperature: unknown;
  /** Where the temperature was given, named in the error (`sampling.temperature`, `temperature`). */
  readonly field: string;
}

/**
 * Refuses a run whose samples would all be the same: a strategy that draws several samples
 * (`Strategy.samples` above 1: a vote, a best-of-N, a search) at a run temperature of 0, unless it sets
 * a temperature of its own (`parameters.temperature`, which its samples use whatever the run's is, as
 * the bench's temperature sweep takes it). N greedy samples cost N times one greedy answer and give that
 * answer N times. `mull serve` refuses such a request with it (400, param `temperature`), and `planBench`
 * every pair of a bench run before the run starts (naming `--temperature` or `--temperatures`).
 *
 * @throws ConfigError naming `field`, the value and what was expected: `solve: sampling.temperature must
 * be above 0 for strategy sc@8, got 0: it draws 8 samples, and at temperature 0 they would all be the
 * same. Use a temperature above 0, or the greedy strategy`.
 * @example
 * refuseIdenticalSamples({ owner: "solve", strategy, temperature: 0, field: "sampling.temperature" });
 */
export function refuseIdenticalSamples(options: RefuseIdenticalSamplesOptions): void {
  const { owner, strategy, temperature, field } = options;
  if (temperature !== 0 || !(strategy.samples > 1)) return;
  if (typeof strategy.parameters?.temperature === "number") return;
  throw new ConfigError(
    `${owner === undefined ? "" : `${owner}: `}${field} must be above 0 for strategy ${strategy.name}, got 0: it draws ${strategy.samples} samples, and at temperature 0 they would all be the same. Use a temperature above 0, or the greedy strategy`,
    { field },
  );
}
