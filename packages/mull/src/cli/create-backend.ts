import { createOpenAICompatibleBackend } from "../backends/openai-compatible/index.ts";
import { MullError } from "../errors/index.ts";
import { readApiKey } from "../runtime/index.ts";
import type { Backend, SamplingSettings } from "../spec/index.ts";
import { firstServedModel } from "./first-served-model.ts";

/** Backend flags shared by `solve`, `bench` and `serve`. */
export interface BackendFlags {
  /** OpenAI-compatible server; absent means the embedded lab. */
  readonly baseUrl?: string | undefined;
  /** Model name (HTTP), or `lab-small` / `lab-large` / a `.gguf` path (embedded). */
  readonly model?: string | undefined;
  /** Environment variable holding the API key. */
  readonly apiKeyEnv?: string | undefined;
  /** Threads for the embedded engine. */
  readonly threads?: number | undefined;
  /** HTTP: retries after a failed attempt (408/409/429/5xx, network errors, broken streams). */
  readonly retries?: number | undefined;
  /** HTTP: one deadline in seconds for a request and all its retries. */
  readonly timeout?: number | undefined;
}

/** A backend chosen from flags, and whether it runs a lab model (which has its own prompt format). */
export interface ResolvedBackend {
  readonly backend: Backend;
  /** True for the embedded lab models, which read `Q: ... A:` prompts and are checked exactly. */
  readonly lab: boolean;
  /**
   * Sampling that suits the model, applied under the user's flags. The lab models are sampled at their
   * card's temperature with top-k and top-p off (pure temperature sampling leaves votes room to help).
   */
  readonly samplingDefaults: SamplingSettings;
  dispose(): Promise<void>;
}

const labModelNames = new Set(["lab-small", "lab-large"]);

/** The default embedded model. */
export const defaultLabModel = "lab-large";

/**
 * Creates the backend that flags describe: an OpenAI-compatible server when `baseUrl` is set, otherwise
 * the embedded llama.cpp engine (loaded on demand from `@mull/llama-cpp`, so the core has no native code).
 */
export async function createBackendFromFlags(flags: BackendFlags): Promise<ResolvedBackend> {
  if (flags.baseUrl !== undefined) {
    const model =
      flags.model ??
      (await firstServedModel(flags.baseUrl, {
        apiKey: readApiKey(flags.apiKeyEnv, { field: "--api-key-env" }),
      }));
    const backend = createOpenAICompatibleBackend({
      baseUrl: flags.baseUrl,
      model,
      ...(flags.apiKeyEnv === undefined ? {} : { apiKeyEnv: flags.apiKeyEnv }),
      ...(flags.retries === undefined ? {} : { maxRetries: flags.retries }),
      ...(flags.timeout === undefined ? {} : { timeoutMilliseconds: flags.timeout * 1000 }),
    });
    return { backend, lab: false, samplingDefaults: {}, dispose: async () => backend.dispose?.() };
  }
  const model = flags.model ?? defaultLabModel;
  let embedded: typeof import("@mull/llama-cpp");
  try {
    embedded = await import("@mull/llama-cpp");
  } catch (error) {
    throw new MullError(
      "the embedded backend needs the package @mull/llama-cpp (npm install @mull/llama-cpp), or pass --base-url",
      { cause: error },
    );
  }
  const backend = await embedded.createLlamaCppBackend({
    model,
    ...(flags.threads === undefined ? {} : { threads: flags.threads }),
  });
  const lab = labModelNames.has(model);
  const card = lab ? (await embedded.labModels()).find((entry) => entry.name === model) : undefined;
  const samplingDefaults: SamplingSettings = lab
    ? { temperature: card?.recommendedTemperature ?? 1, topK: 0, topP: 1, maxTokens: 256 }
    : {};
  return { backend, lab, samplingDefaults, dispose: () => backend.dispose() };
}
