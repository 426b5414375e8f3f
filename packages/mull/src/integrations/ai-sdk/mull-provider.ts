import type { LanguageModelV4, ProviderV4 } from "@ai-sdk/provider";
import { z } from "zod";
import { ConfigError } from "../../errors/index.ts";
import { expecting, objectWithMethods, optionError } from "../../runtime/index.ts";
import type { Backend } from "../../spec/index.ts";
import { checkFactoryOptions, routeApplies, splitStrategyPrefix } from "../../strategies/index.ts";
import {
  checkCallBudget,
  checkCallStrategy,
  type MullCallSettings,
  mullCallSettings,
  solveCall,
  toGenerateResult,
  toStreamResult,
} from "./solve-call.ts";

/** Options of `createMullProvider`: the backend, and the options of `solve` every model shares. */
export interface MullProviderOptions extends Omit<MullCallSettings, "strategy"> {
  /**
   * The backend the models sample: one backend, or the backend of a model name (the part after the
   * strategy prefix, e.g. `qwen2.5-7b` in `sc@8:qwen2.5-7b`). With one backend, a model name may only
   * name that backend's own model (`describe().model`); any other is refused, never silently ignored.
   */
  readonly backend: Backend | ((model: string) => Backend);
}

/**
 * The options of `createMullProvider`, strictly: the backend (or a function of the model name), then the
 * call settings but the strategy, which each model name gives.
 */
const mullProviderOptions = z.strictObject({
  backend: z.union(
    [
      objectWithMethods<Backend>({
        expected: "a backend",
        noun: "backend",
        methods: ["describe", "capabilities", "generate"],
      }),
      z.custom<(model: string) => Backend>((value) => typeof value === "function"),
    ],
    {
      error: expecting(
        "a backend (an object with describe, capabilities and generate methods) or a function from a model name to its backend",
      ),
    },
  ),
  ...mullCallSettings.omit({ strategy: true }).shape,
} satisfies Record<keyof MullProviderOptions, unknown>);

/**
 * A provider of strategy-wrapped mull backends as AI SDK language models: an AI SDK provider
 * (specification v4), so that it can be called (`mull("sc@8")`), registered (`createProviderRegistry({ mull })`,
 * then `registry.languageModel("mull:sc@8")`) or be a `customProvider`'s `fallbackProvider`. It serves
 * language models only: asked for an embedding or an image model, it throws a `ConfigError` naming the model.
 */
export interface MullProvider extends ProviderV4 {
  /** Same as `languageModel`. */
  (modelId: string): LanguageModelV4;
  readonly specificationVersion: "v4";
  /**
   * The model `modelId` names: `strategy:model` (`sc@8:qwen2.5-7b`, `beam@4x2:lab-large`) runs the
   * strategy on the backend of that model; a bare strategy (`sc@8`) runs it on the one backend. With one
   * backend, responses report `<strategy>:<the backend's model>` as their `modelId`.
   *
   * @throws ConfigError for an unknown strategy, a bare strategy when `backend` is a function, or (with
   * one backend) a model other than that backend's.
   */
  languageModel(modelId: string): LanguageModelV4;
  /**
   * None: mull samples language models, and serves no embedding model.
   *
   * @throws ConfigError (`field: "embeddingModel"`) naming `modelId`, always.
   */
  embeddingModel(modelId: string): never;
  /**
   * None: mull samples language models, and serves no image model.
   *
   * @throws ConfigError (`field: "imageModel"`) naming `modelId`, always.
   */
  imageModel(modelId: string): never;
}

/**
 * The refusal of a model type mull does not serve, naming the model asked for. A mull error, not the AI
 * SDK's `NoSuchModelError`: mull imports nothing of the AI SDK at run time, so that the project's own
 * `ai` and `@ai-sdk/provider` are the only copies (a registry or `customProvider` passes it on as it is).
 */
function noSuchModel(modelType: "embeddingModel" | "imageModel", modelId: string): ConfigError {
  return new ConfigError(
    `mull ai-sdk: ${modelType}: ${JSON.stringify(modelId)} is not a model mull serves; expected a ` +
      'language model (languageModel("sc@8"), languageModel("sc@8:qwen2.5-7b")): mull serves no ' +
      `${modelType === "embeddingModel" ? "embedding" : "image"} models`,
    { field: modelType },
  );
}

function splitModelId(modelId: string): { readonly strategy: string; readonly model: string | undefined } {
  return splitStrategyPrefix(modelId) ?? { strategy: modelId, model: undefined };
}

/**
 * The model of the provider's one backend, which a model name may repeat but not replace.
 *
 * @throws ConfigError when `asked` names another model.
 */
function servedModel(backend: Backend, asked: string | undefined): string {
  const own = backend.describe().model;
  if (asked !== undefined && asked !== own) {
    throw new ConfigError(
      `mull ai-sdk: model: "${asked}" is not the model of the provider's one backend ("${own}"); ` +
        `name the strategy alone or with "${own}", or pass backend as a function of the model name`,
      { field: "model" },
    );
  }
  return own;
}

/**
 * Serves mull backends (an OpenAI-compatible server, the embedded llama.cpp engine, …) to the AI SDK:
 * `languageModel("sc@8:qwen2.5-7b")` is a language model whose every call runs `solve` with `sc@8` on
 * that model's backend, with the call's messages as the prompt, and answers with the chosen candidate's
 * text, the run's whole usage and `providerMetadata.mull` (as `mullMiddleware`, aborts included). Streaming
 * starts after the strategy has chosen. A backend that takes no chat, such as the embedded lab models (no
 * chat template), is prompted in its profile's format (`profile: labProfile()`) or by a `promptTemplate`:
 * the last user message is the question the template renders, as `mull serve` does.
 *
 * A `route` is the default of the routing models written without one (`cascade@8`); the other models run
 * without it, as `solve` refuses a route its strategy would not use.
 *
 * With one backend (not a function), `sc@8` and `sc@8:<its model>` are the same model, and any other model
 * name (`sc@8:gpt-4o` on a backend serving `qwen2.5-7b`) is refused: the backend cannot serve it, and a
 * response must not claim it did. Responses report the model that answered, `sc@8:qwen2.5-7b`.
 *
 * The provider is an AI SDK provider (`ProviderV4`): a provider registry takes it as it is
 * (`createProviderRegistry({ mull }).languageModel("mull:sc@8")`), and its embedding and image models are
 * none (a `ConfigError` naming the model).
 *
 * @throws ConfigError at once, for options that are not an object, an unknown key (`createMullProvider:
 * backnd: unknown key (createMullProvider takes backend, budget, seed, …)`), a missing backend or one
 * without its methods, or an option `solve` would refuse (a budget limit such as `maxTotalToken`, a prompt
 * template that is none, …); from `languageModel`, for an unknown strategy or one lacking what it needs, a
 * model it cannot name, or a model other than the one backend's.
 * @example
 * import { generateText } from "ai";
 * import { createOpenAICompatibleBackend } from "mull";
 * import { createMullProvider } from "mull/ai-sdk";
 * const mull = createMullProvider({ backend: (model) => createOpenAICompatibleBackend({ baseUrl: "http://localhost:8000/v1", model }) });
 * const { text } = await generateText({ model: mull("sc@8:qwen2.5-7b"), prompt: "What is 17 * 23? End with #### <answer>." });
 */
export function createMullProvider(options: MullProviderOptions): MullProvider {
  checkFactoryOptions(mullProviderOptions, options, "createMullProvider");
  checkCallBudget(options);
  const { backend, ...settings } = options;
  const languageModel = (modelId: string): LanguageModelV4 => {
    if (typeof modelId !== "string") {
      throw optionError("mull ai-sdk", "model", modelId, 'a model name such as "sc@8" or "sc@8:qwen2.5-7b"');
    }
    const { strategy, model } = splitModelId(modelId);
    checkCallStrategy(strategy, settings);
    if (typeof backend === "function" && model === undefined) {
      throw new ConfigError(
        `mull ai-sdk: model: expected "<strategy>:<model>" (e.g. "sc@8:qwen2.5-7b"), got "${modelId}"`,
        { field: "model" },
      );
    }
    const chosen = typeof backend === "function" ? backend(model as string) : backend;
    const served = typeof backend === "function" ? modelId : `${strategy}:${servedModel(backend, model)}`;
    // The provider's route is the default of its routing models written without one; the others run without.
    const callSettings: MullCallSettings = {
      ...settings,
      strategy,
      ...(routeApplies(strategy, settings.catalog) ? {} : { route: undefined }),
    };
    const backendOf = () => chosen;
    return {
      specificationVersion: "v4",
      provider: "mull",
      modelId,
      supportedUrls: {},
      doGenerate: async (params) =>
        toGenerateResult(await solveCall(params, callSettings, backendOf), served),
      doStream: async (params) => toStreamResult(await solveCall(params, callSettings, backendOf), served),
    };
  };
  return Object.assign((modelId: string) => languageModel(modelId), {
    specificationVersion: "v4" as const,
    languageModel,
    embeddingModel: (modelId: string): never => {
      throw noSuchModel("embeddingModel", modelId);
    },
    imageModel: (modelId: string): never => {
      throw noSuchModel("imageModel", modelId);
    },
  });
}
