import path from "node:path";
import { ConfigError, MullError } from "mull/errors";
import { modelFileHash } from "mull/runtime";
import type { ModelArchitecture } from "mull/spec";
import { getLlama, type Llama, type LlamaContext, LlamaLogLevel, type LlamaModel } from "node-llama-cpp";
import { checkModelFile } from "./check-model-file.ts";
import type { LlamaCppBackendSettings, ParsedLlamaCppBackendOptions } from "./llama-cpp-backend-options.ts";
import { bindingCommit, llamaCppSource } from "./llama-cpp-source.ts";
import { modelArchitecture } from "./model-architecture.ts";
import { nodeLlamaCppPackage } from "./node-llama-cpp-version.ts";
import { resolveModelPath } from "./resolve-model-path.ts";

const largestDefaultContext = 4096;
const recentLogLines = 20;

/** A model file loaded by node-llama-cpp with one context of parallel sequences, and what describes it. */
export interface LoadedLlamaModel {
  readonly llama: Llama;
  readonly model: LlamaModel;
  readonly context: LlamaContext;
  /** The lab model's name, or the file's base name for a path. */
  readonly modelName: string;
  /** Names the backend in errors: `the llama-cpp backend (lab-small)`. */
  readonly owner: string;
  /** Resolved settings; `contextSize` is the one llama.cpp made (it may round up). */
  readonly settings: LlamaCppBackendSettings;
  /** Versions of node-llama-cpp and llama.cpp (its release and its commit), where known (`readVersions`). */
  readonly versions: Readonly<Record<string, string>>;
  readonly vocabularySize: number;
  /** The model's shape from its GGUF file, when the file gives it. */
  readonly architecture: ModelArchitecture | undefined;
  /** `sha256:<hex>` of the model file, `undefined` while a big file is still being hashed. */
  modelHash(): string | undefined;
  /** Frees the context, the model and the llama.cpp binding. */
  dispose(): Promise<void>;
}

async function loadBinding(recentLogs: string[]): Promise<Llama> {
  try {
    return await getLlama({
      gpu: false,
      build: "never",
      logLevel: LlamaLogLevel.warn,
      logger: (_level, message) => {
        recentLogs.push(message.trim());
        if (recentLogs.length > recentLogLines) recentLogs.shift();
      },
    });
  } catch (error) {
    throw new MullError(
      `node-llama-cpp could not load its prebuilt CPU binary for ${process.platform}-${process.arch} ` +
        `(is @node-llama-cpp/${process.platform}-${process.arch} installed?): ${(error as Error).message}`,
      { cause: error },
    );
  }
}

async function loadModelAndContext(
  llama: Llama,
  recentLogs: string[],
  modelPath: string,
  options: ParsedLlamaCppBackendOptions,
): Promise<{ model: LlamaModel; context: LlamaContext }> {
  const { signal, sequences, threads } = options;
  recentLogs.length = 0;
  let model: LlamaModel;
  try {
    model = await llama.loadModel(signal === undefined ? { modelPath } : { modelPath, loadSignal: signal });
  } catch (error) {
    signal?.throwIfAborted();
    // llama.cpp explains a bad file only in its log.
    const said = recentLogs.filter((line) => line.length > 0).slice(-3);
    throw new ConfigError(
      `model file ${modelPath} could not be loaded (corrupt or incomplete GGUF?): ${(error as Error).message}` +
        (said.length > 0 ? `; llama.cpp said: ${said.join(" / ")}` : ""),
      { field: "model", cause: error },
    );
  }
  const contextSize =
    options.contextSize ?? Math.min(model.trainContextSize || largestDefaultContext, largestDefaultContext);
  try {
    const context = await model.createContext({
      contextSize,
      sequences,
      threads,
      failedCreationRemedy: false,
      ...(signal === undefined ? {} : { createSignal: signal }),
    });
    return { model, context };
  } catch (error) {
    await model.dispose();
    signal?.throwIfAborted();
    throw new ConfigError(
      `could not create a context of ${sequences} sequences × ${contextSize} tokens for ${modelPath}: ${(error as Error).message}`,
      { field: "contextSize", cause: error },
    );
  }
}

/**
 * Versions for manifests: `node-llama-cpp`, `llama.cpp` (the binding's release tag, e.g. `v0.5.0`) and
 * `llama.cpp commit`, the full commit of the llama.cpp source that release was built from (node-llama-cpp's
 * git bundle), which a llama-server's `build_info` (`b1-de3ff81`) names the start of.
 */
async function readVersions(llama: Llama): Promise<Record<string, string>> {
  const versions: Record<string, string> = {};
  const installed = await nodeLlamaCppPackage();
  if (installed?.version !== undefined) versions["node-llama-cpp"] = installed.version;
  const binding = llama.llamaCppRelease;
  if (typeof binding?.release === "string") versions["llama.cpp"] = binding.release;
  const source =
    installed === undefined ? undefined : llamaCppSource(path.join(installed.directory, "llama"));
  const commit = bindingCommit(binding, source);
  if (commit !== undefined) versions["llama.cpp commit"] = commit;
  return versions;
}

/**
 * Resolves the model argument to a GGUF file, checks it, and loads it on CPU with one context of
 * `options.sequences` sequences. A missing, foreign or corrupt file, or a context that cannot be made, is a
 * `ConfigError` naming the path; an abort rejects with the signal's reason and frees what was loaded.
 *
 * @example
 * const loaded = await loadLlamaModel(parseLlamaCppBackendOptions({ model: "lab-small" }));
 */
export async function loadLlamaModel(options: ParsedLlamaCppBackendOptions): Promise<LoadedLlamaModel> {
  options.signal?.throwIfAborted();
  const modelPath = await resolveModelPath(options.model);
  const named = !/\.gguf$|[/\\]/.test(options.model) && !options.model.startsWith(".");
  const modelName = named ? options.model : path.basename(modelPath);
  await checkModelFile(modelPath);

  const recentLogs: string[] = [];
  const llama = await loadBinding(recentLogs);
  let loaded: { model: LlamaModel; context: LlamaContext };
  try {
    loaded = await loadModelAndContext(llama, recentLogs, modelPath, options);
  } catch (error) {
    await llama.dispose();
    throw error;
  }
  const { model, context } = loaded;

  // A file up to 256 MiB is hashed before loading returns, a bigger one in the background.
  const modelHash = await modelFileHash(modelPath);
  const versions = await readVersions(llama);
  let vocabularySize = 0;
  for (const _token of model.iterateAllTokens()) vocabularySize += 1;

  return {
    llama,
    model,
    context,
    modelName,
    owner: `the llama-cpp backend (${modelName})`,
    settings: {
      modelPath,
      threads: options.threads,
      sequences: options.sequences,
      contexts: options.contexts,
      contextSize: context.contextSize,
      prefixSharing: options.prefixSharing,
      speculative: options.speculative,
    },
    versions,
    vocabularySize,
    architecture: modelArchitecture(model),
    modelHash: () => modelHash.known(),
    dispose: async () => {
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}
