import type { LanguageModelV4 } from "@ai-sdk/provider";
import { ConfigError } from "../../errors/index.ts";
import { splitStrategyPrefix } from "../../server/requests/strategy-prefix.ts";
import type { Backend } from "../../spec/index.ts";
import { parseStrategySpec } from "../../strategies/index.ts";
import { type MullCallSettings, solveCall, toGenerateResult, toStreamResult } from "./solve-call.ts";

/** Options of `createMullProvider`: the backend, and the options of `solve` every model shares. */
export interface MullProviderOptions extends Omit<MullCallSettings, "strategy"> {
  /**
   * The backend the models sample: one backend, or the backend of a model name (the part after the
   * strategy prefix, e.g. `qwen2.5-7b` in `sc@8:qwen2.5-7b`).
   */
  readonly backend: Backend | ((model: string) => Backend);
}

/** A provider of strategy-wrapped mull backends as AI SDK language models (specification v4). */
export interface MullProvider {
  /** Same as `languageModel`. */
  (modelId: string): LanguageModelV4;
  /**
   * The model `modelId` names: `strategy:model` (`sc@8:qwen2.5-7b`, `beam@4x2:lab-large`) runs the
   * strategy on the backend of that model; a bare strategy (`sc@8`) runs it on the one backend.
   *
   * @throws ConfigError for an unknown strategy, or a bare strategy when `backend` is a function.
   */
  languageModel(modelId: string): LanguageModelV4;
}

function splitModelId(modelId: string): { readonly strategy: string; readonly model: string | undefined } {
  return splitStrategyPrefix(modelId) ?? { strategy: modelId, model: undefined };
}

/**
 * Serves mull backends (an OpenAI-compatible server, the embedded llama.cpp engine, …) to the AI SDK:
 * `languageModel("sc@8:qwen2.5-7b")` is a language model whose every call runs `solve` with `sc@8` on
 * that model's backend, with the call's messages as the prompt, and answers with the chosen candidate's
 * text, the run's whole usage and `providerMetadata.mull` (as `mullMiddleware`). Streaming starts after
 * the strategy has chosen.
 *
 * @throws ConfigError (from `languageModel`) for an unknown strategy or a model it cannot name.
 * @example
 * import { generateText } from "ai";
 * import { createOpenAICompatibleBackend } from "mull";
 * import { createMullProvider } from "mull/ai-sdk";
 * const mull = createMullProvider({ backend: (model) => createOpenAICompatibleBackend({ baseUrl: "http://localhost:8000/v1", model }) });
 * const { text } = await generateText({ model: mull("sc@8:qwen2.5-7b"), prompt: "What is 17 * 23? End with #### <answer>." });
 */
export function createMullProvider(options: MullProviderOptions): MullProvider {
  const { backend, ...settings } = options;
  const languageModel = (modelId: string): LanguageModelV4 => {
    const { strategy, model } = splitModelId(modelId);
    parseStrategySpec(strategy, { scorer: settings.scorer, prm: settings.prm });
    if (typeof backend === "function" && model === undefined) {
      throw new ConfigError(
        `mull ai-sdk: model: expected "<strategy>:<model>" (e.g. "sc@8:qwen2.5-7b"), got "${modelId}"`,
        { field: "model" },
      );
    }
    const chosen = typeof backend === "function" ? backend(model as string) : backend;
    const callSettings: MullCallSettings = { ...settings, strategy };
    const backendOf = () => chosen;
    return {
      specificationVersion: "v4",
      provider: "mull",
      modelId,
      supportedUrls: {},
      doGenerate: async (params) =>
        toGenerateResult(await solveCall(params, callSettings, backendOf), modelId),
      doStream: async (params) => toStreamResult(await solveCall(params, callSettings, backendOf), modelId),
    };
  };
  return Object.assign((modelId: string) => languageModel(modelId), { languageModel });
}
