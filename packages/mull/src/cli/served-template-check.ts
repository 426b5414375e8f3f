import { ConfigError } from "../errors/index.ts";
import { loadPromptTemplate, type NamedPromptTemplate } from "../prompts/index.ts";
import { modelEntries, type ServerConfig } from "../server/config/index.ts";
import type { Backend } from "../spec/index.ts";
import { checkTemplatePrompts } from "./check-template-prompts.ts";

/** Loads an embedded model for `mull serve` (`assembleServer`'s `loadEmbedded`). */
export type EmbeddedLoader = (model: string, options: { threads?: number | undefined }) => Promise<Backend>;

/** A prompt template an embedded served model renders its chat requests with, and where it was named. */
interface ServedTemplate {
  readonly template: NamedPromptTemplate;
  /** `--prompt-template`, or the model's configuration field (`upstreams[0].models[1].promptTemplate`). */
  readonly field: string;
}

/**
 * The question a template renders to show the kind of prompt it writes: a chat request's last user
 * message is rendered as a question, and the lab's form is one every built-in template takes.
 */
const sampleQuestion = "37+48-19=?";

/**
 * `load` that refuses, as soon as an embedded model is loaded and before the server listens, a prompt
 * template the model cannot take: a chat template (`gsm8k`, `qwen-math`, `default`, a file with
 * `"endpoint": "chat"`) for a model with no chat template (the lab models), or a text template for a
 * chat-only model. Each embedded model is checked against its own configured `promptTemplate` where the
 * `--config` file gives one, else against `--prompt-template` (`flagTemplate`); a model with neither keeps
 * its own profile's template and is not checked. Without the check the server starts and answers every
 * chat request with 400 `unsupported_capability`. HTTP upstreams are left to their start-up probe.
 *
 * @param configFile the `--config` file, named in a refusal of a template it gives
 * @throws UsageError (exit 2) naming `--prompt-template`, the template, the backend and the remedy, or
 * ConfigError naming the file and the model's `promptTemplate` field; the refused model is disposed.
 * @example
 * const loadEmbedded = await checkingServedTemplates(loader, config, chosen?.template, flags.config);
 */
export async function checkingServedTemplates(
  load: EmbeddedLoader,
  config: ServerConfig,
  flagTemplate: NamedPromptTemplate | undefined,
  configFile: string | undefined,
): Promise<EmbeddedLoader> {
  const checks = new Map<string, ServedTemplate[]>();
  for (const [index, upstream] of config.upstreams.entries()) {
    if (upstream.kind !== "embedded") continue;
    for (const [modelIndex, entry] of modelEntries(upstream).entries()) {
      const field = `upstreams[${index}].models[${modelIndex}].promptTemplate`;
      const served: ServedTemplate | undefined =
        entry.promptTemplate !== undefined
          ? { template: await loadPromptTemplate(entry.promptTemplate, field), field }
          : flagTemplate === undefined
            ? undefined
            : { template: flagTemplate, field: "--prompt-template" };
      if (served === undefined) continue;
      checks.set(entry.upstreamModel, [...(checks.get(entry.upstreamModel) ?? []), served]);
    }
  }
  if (checks.size === 0) return load;
  return async (model, options) => {
    const backend = await load(model, options);
    try {
      for (const { template, field } of checks.get(model) ?? []) {
        const prompt = template.render({ question: sampleQuestion });
        await checkTemplatePrompts(prompt, backend, template.name, field).catch((error: unknown) => {
          if (field === "--prompt-template" || !ConfigError.isInstance(error)) throw error;
          throw new ConfigError(`${configFile ?? "--config"}: ${error.message}`, { field, cause: error });
        });
      }
    } catch (error) {
      await backend.dispose?.();
      throw error;
    }
    return backend;
  };
}
