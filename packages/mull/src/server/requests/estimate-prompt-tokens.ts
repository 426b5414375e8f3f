import type { ServerConfig } from "../config/index.ts";
import type { ServedModel } from "../upstreams/index.ts";

/**
 * A prompt's tokens estimated from its characters, before any call: characters divided by the served
 * model's own `charactersPerToken` (configured per model), else the server's `limits.charactersPerToken`,
 * rounded up.
 *
 * @example
 * estimatePromptTokens(18, { ...served, charactersPerToken: 1 }, limits); // 18 (a lab model's `Q: 30+444+273=? A:`)
 */
export function estimatePromptTokens(
  characters: number,
  served: Pick<ServedModel, "charactersPerToken">,
  limits: Pick<ServerConfig["limits"], "charactersPerToken">,
): number {
  return Math.ceil(characters / (served.charactersPerToken ?? limits.charactersPerToken));
}
