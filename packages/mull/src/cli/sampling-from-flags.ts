import type { SamplingSettings } from "../spec/index.ts";

/**
 * What the sampling flags of `mull solve` and `mull bench` default to, for their help: a lab model's
 * profile (its card's temperature, top-p 1, 192 tokens), else the strategy's or the backend's own.
 */
export const samplingDefaultsHelp = {
  temperature: "default: a lab model card's, 1 without one; other models 0.7; greedy samples at 0",
  topP: "default: 1 on a lab model, else the backend's",
  maxTokens: "default: 192 on a lab model, else the backend's limit",
} as const;

/** The sampling flags of `mull solve` and `mull bench`. */
export interface SamplingFlags {
  readonly temperature?: number | undefined;
  readonly topP?: number | undefined;
  readonly maxTokens?: number | undefined;
}

/** The model profile's sampling defaults with the flags the user gave on top, field by field. */
export function samplingFromFlags(defaults: SamplingSettings, flags: SamplingFlags): SamplingSettings {
  return {
    ...defaults,
    ...(flags.temperature === undefined ? {} : { temperature: flags.temperature }),
    ...(flags.topP === undefined ? {} : { topP: flags.topP }),
    ...(flags.maxTokens === undefined ? {} : { maxTokens: flags.maxTokens }),
  };
}
