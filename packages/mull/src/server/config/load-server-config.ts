import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import { ConfigError } from "../../errors/index.ts";
import { builtinPromptTemplate } from "../../prompts/index.ts";
import { parseServerConfig, type ServerConfig } from "./server-config.ts";

/** The config with each model's template file resolved against the config file's folder. */
function withTemplatePaths(config: ServerConfig, file: string): ServerConfig {
  const resolveTemplate = (template: string): string =>
    builtinPromptTemplate(template) !== undefined || isAbsolute(template)
      ? template
      : resolve(dirname(file), template);
  return {
    ...config,
    upstreams: config.upstreams.map((upstream) => ({
      ...upstream,
      models: upstream.models.map((model) =>
        typeof model === "string" || model.promptTemplate === undefined
          ? model
          : { ...model, promptTemplate: resolveTemplate(model.promptTemplate) },
      ),
    })),
  } as ServerConfig;
}

/**
 * Reads and validates a server configuration file (JSON). A model's `promptTemplate` file is read relative
 * to the config file.
 *
 * @throws ConfigError when the file cannot be read, is not JSON, or fails `parseServerConfig`.
 * @example
 * const config = await loadServerConfig("mull-serve.json");
 */
export async function loadServerConfig(file: string): Promise<ServerConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot read the config file ${file}${code === undefined ? "" : ` (${code})`}`, {
      field: "--config",
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file} is not valid JSON: ${(error as Error).message}`, { field: "--config" });
  }
  return withTemplatePaths(parseServerConfig(value, file), file);
}
