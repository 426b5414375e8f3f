import type { SamplingSettings } from "../spec/index.ts";

/**
 * The run's sampling settings with a caller's overrides on top; an override left `undefined` keeps the
 * run's value (so `{ stop: maybeStops }` does not erase the run's stop strings by accident).
 *
 * @example
 * mergeSampling({ temperature: 0.8, maxTokens: 512 }, { temperature: 0, maxTokens: undefined });
 * // { temperature: 0, maxTokens: 512 }
 */
export function mergeSampling(
  base: SamplingSettings,
  overrides: SamplingSettings | undefined,
): SamplingSettings {
  if (overrides === undefined) return base;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) merged[key] = value;
  return merged as SamplingSettings;
}
