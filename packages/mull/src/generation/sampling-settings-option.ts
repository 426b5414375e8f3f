import { z } from "zod";
import type { SamplingSettings } from "../spec/index.ts";

/** A setting whose value the backend checks (`checkGenerationRequest`). */
const checkedByBackend = z.unknown().optional();

/**
 * The keys of `SamplingSettings`, for the strict options schemas of `solve` and of the blocks that take
 * sampling overrides (`sampleCandidates`): an unknown key (`temp`) is a typo, refused with the keys it
 * takes. The backend checks the values.
 *
 * @example
 * parseOptions(z.strictObject({ sampling: samplingSettingsOption.optional() }), { sampling: { temp: 0 } }, "solve");
 * // throws "solve: sampling.temp: unknown key (sampling takes temperature, topP, topK, minP, maxTokens, stop)"
 */
export const samplingSettingsOption = z.strictObject({
  temperature: checkedByBackend,
  topP: checkedByBackend,
  topK: checkedByBackend,
  minP: checkedByBackend,
  maxTokens: checkedByBackend,
  stop: checkedByBackend,
} satisfies Record<keyof SamplingSettings, unknown>);
