import type { ModelProfile } from "../spec/index.ts";
import { defaultThinkingCues } from "./default-thinking-cues.ts";

/**
 * The profile of a model nothing is known about (any model behind an OpenAI-compatible server, a GGUF
 * file): it reads the run's usual prompts (`defaultPromptTemplate` unless the problem or the run gives
 * one), comes with no checker or process reward model, is sampled as the user asks, and is steered by
 * the generic `defaultThinkingCues`.
 *
 * @example
 * const profile = flags.baseUrl === undefined ? labProfile() : defaultModelProfile;
 */
export const defaultModelProfile: ModelProfile = {
  name: "default",
  thinkingCues: defaultThinkingCues,
  samplingDefaults: {},
};
