import { z } from "zod";
import { integerSchema } from "../runtime/index.ts";
import type { SamplingSettings } from "../spec/index.ts";

/** A setting whose value the backend checks (`checkGenerationRequest`). */
const checkedByBackend = z.unknown().optional();

/**
 * The keys of `SamplingSettings`, for the strict options schemas of `solve` and of the blocks that take
 * sampling overrides (`sampleCandidates`): an unknown key (`temp`) is a typo, refused with the keys it
 * takes. `maxTokens` is checked here, an integer ≥ 1, since a run sizes and reserves its budget from it
 * before any backend sees it; the backend checks the other values.
 *
 * @example
 * parseOptions(z.strictObject({ sampling: samplingSettingsOption.optional() }), { sampling: { temp: 0 } }, "solve");
 * // throws "solve: sampling.temp: unknown key (sampling takes temperature, topP, topK, minP, maxTokens, stop)"
 * parseOptions(z.strictObject({ sampling: samplingSettingsOption.optional() }), { sampling: { maxTokens: -1 } }, "solve");
 * // throws "solve: sampling.maxTokens must be an integer ≥ 1, got -1"
 */
export const samplingSettingsOption = z.strictObject({
  temperature: checkedByBackend,
  topP: checkedByBackend,
  topK: checkedByBackend,
  minP: checkedByBackend,
  maxTokens: integerSchema({ minimum: 1 }).optional(),
  stop: checkedByBackend,
} satisfies Record<keyof SamplingSettings, unknown>);
