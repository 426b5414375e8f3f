import { defaultModelProfile } from "../../generation/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import { parseServerConfig } from "../config/index.ts";
import type { ServedModel } from "../upstreams/index.ts";

/** A server configuration for planning tests: one HTTP upstream `up` serving `m`, and modest limits. */
export const planningConfig = parseServerConfig({
  limits: { maxSamples: 64, maxTokens: 200, defaultMaxTokens: 100, maxRequestTokens: 30_000 },
  upstreams: [{ name: "up", baseUrl: "https://llm.example.com/v1", models: ["m"] }],
});

/**
 * The served model `m` of `planningConfig`: a scripted backend that always answers 4, the default
 * profile, no scorer and no PRM, with `overrides` on top.
 *
 * @example
 * const served = plannedModel({ prm: labProcessReward() });
 */
export function plannedModel(overrides: Partial<ServedModel> = {}): ServedModel {
  return {
    name: "m",
    upstream: "up",
    backend: createScriptedBackend({ answers: { distribution: { "4": 1 } } }),
    kind: "other",
    profile: defaultModelProfile,
    contextWindow: undefined,
    scorer: undefined,
    prm: undefined,
    ...overrides,
  };
}
