import { ConfigError } from "mull/errors";
import {
  DraftSequenceTokenPredictor,
  InputLookupTokenPredictor,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaModel,
  type TokenPredictor,
} from "node-llama-cpp";
import { checkModelFile } from "./check-model-file.ts";
import { GreedyTokenPredictor } from "./greedy-token-predictor.ts";
import type { LoadedLlamaModel } from "./load-llama-model.ts";
import { resolveModelPath } from "./resolve-model-path.ts";
import type { SpeculationStats } from "./speculation-stats.ts";
import type { ParsedSpeculativeOptions } from "./speculative-options.ts";

/** The token predictors of one backend's sequences and their running counts. */
export interface Speculation {
  /** A greedy-only predictor for one new sequence of the main context (one per sequence, never shared). */
  createPredictor(): TokenPredictor;
  /** Runs one greedy completion on `sequence` and adds what its predictor checked and accepted meanwhile. */
  counted<Result>(sequence: LlamaContextSequence, work: () => Promise<Result>): Promise<Result>;
  stats(): SpeculationStats;
  /** Frees the draft model and its context, if any. */
  dispose(): Promise<void>;
}

function sameVocabulary(main: LlamaModel, draft: LlamaModel): boolean {
  const mainTokens = [...main.iterateAllTokens()];
  const draftTokens = [...draft.iterateAllTokens()];
  if (mainTokens.length !== draftTokens.length) return false;
  return mainTokens.every(
    (token, index) =>
      draftTokens[index] === token && main.detokenize([token], true) === draft.detokenize([token], true),
  );
}

async function loadDraft(
  loaded: LoadedLlamaModel,
  model: string,
): Promise<{ name: string; model: LlamaModel; context: LlamaContext }> {
  const field = "speculative.model";
  let modelPath: string;
  try {
    modelPath = await resolveModelPath(model);
    await checkModelFile(modelPath);
  } catch (error) {
    throw ConfigError.isInstance(error)
      ? new ConfigError(`draft model: ${error.message}`, { field, cause: error })
      : error;
  }
  const name = /\.gguf$|[/\\]/.test(model) || model.startsWith(".") ? modelPath.split(/[/\\]/).pop()! : model;
  let draft: LlamaModel;
  try {
    draft = await loaded.llama.loadModel({ modelPath });
  } catch (error) {
    throw new ConfigError(`draft model file ${modelPath} could not be loaded: ${(error as Error).message}`, {
      field,
      cause: error,
    });
  }
  if (!sameVocabulary(loaded.model, draft)) {
    await draft.dispose();
    throw new ConfigError(
      `draft model ${name} does not share the vocabulary of ${loaded.modelName}: speculative decoding needs the same tokens`,
      { field },
    );
  }
  const { settings } = loaded;
  try {
    const context = await draft.createContext({
      contextSize: settings.contextSize,
      sequences: settings.sequences,
      threads: settings.threads,
      failedCreationRemedy: false,
    });
    return { name, model: draft, context };
  } catch (error) {
    await draft.dispose();
    throw new ConfigError(
      `could not create a context for the draft model ${name}: ${(error as Error).message}`,
      {
        field,
        cause: error,
      },
    );
  }
}

/**
 * Sets up speculative decoding for a loaded model: loads the draft model (same vocabulary, one draft sequence per
 * main sequence) or prepares prompt lookup, and counts what the predictors check and accept.
 *
 * @throws ConfigError (field `speculative.model`) for a draft model that cannot be found, loaded, or whose
 * vocabulary differs from the main model's.
 * @example
 * const speculation = await loadSpeculation(loaded, { kind: "draft", model: "lab-small", tokens: 16, minConfidence: 0.6 });
 */
export async function loadSpeculation(
  loaded: LoadedLlamaModel,
  options: ParsedSpeculativeOptions,
): Promise<Speculation> {
  const draft = options.kind === "draft" ? await loadDraft(loaded, options.model) : undefined;
  let completions = 0;
  let checkedTokens = 0;
  let acceptedTokens = 0;

  const createInner = (): TokenPredictor => {
    if (options.kind === "prompt-lookup") {
      return new InputLookupTokenPredictor({
        patternLength: { min: options.minMatch },
        predictionLength: { min: 1, max: options.tokens },
      });
    }
    return new DraftSequenceTokenPredictor(draft!.context.getSequence(), {
      maxTokens: options.tokens,
      minConfidence: options.minConfidence,
      // Wait for one drafted token per step: without it, the model rarely waits for the draft and checks little.
      minTokens: 1,
    });
  };

  return {
    createPredictor: () => new GreedyTokenPredictor(createInner()),
    async counted(sequence, work) {
      const before = sequence.tokenPredictions;
      try {
        return await work();
      } finally {
        const after = sequence.tokenPredictions;
        const checked = after.validated + after.refuted - (before.validated + before.refuted);
        completions += 1;
        checkedTokens += checked;
        acceptedTokens += after.validated - before.validated;
      }
    },
    stats: () => ({
      kind: options.kind,
      ...(draft === undefined ? {} : { draftModel: draft.name }),
      completions,
      checkedTokens,
      acceptedTokens,
      acceptanceRate: checkedTokens === 0 ? undefined : acceptedTokens / checkedTokens,
    }),
    async dispose() {
      if (draft === undefined) return;
      await draft.context.dispose();
      await draft.model.dispose();
    },
  };
}
