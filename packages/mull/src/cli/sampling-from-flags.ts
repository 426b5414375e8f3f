import type { SamplingSettings } from "../spec/index.ts";

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
