import { readFile } from "node:fs/promises";
import { ConfigError } from "../../errors/index.ts";
import { parseServerConfig, type ServerConfig } from "./server-config.ts";

/**
 * Reads and validates a server configuration file (JSON).
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
  return parseServerConfig(value, file);
}
