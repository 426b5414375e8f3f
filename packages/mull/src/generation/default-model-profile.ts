import type { ModelProfile } from "../spec/index.ts";

/**
 * The profile of a model nothing is known about (any model behind an OpenAI-compatible server, a GGUF
 * file): it reads the run's usual prompts (`defaultPromptTemplate` unless the problem or the run gives
 * one), comes with no checker or process reward model, and is sampled as the user asks.
 *
 * @example
 * const profile = flags.baseUrl === undefined ? labProfile() : defaultModelProfile;
 */
export const defaultModelProfile: ModelProfile = {
  name: "default",
  samplingDefaults: {},
  labProblemsOnly: false,
};
