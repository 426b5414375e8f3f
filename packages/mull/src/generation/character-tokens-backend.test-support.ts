import type { BackendCapabilities, Prompt } from "../spec/index.ts";
import { createScriptedBackend, type ScriptedBackend } from "../testing/index.ts";
import { promptCharacters } from "./prompt-characters.ts";

/** Options of `characterTokensBackend`. */
export interface CharacterTokensBackendOptions {
  /** Tokens each completion generates when its `maxTokens` allows them (one word each, `7 7 … 7`). */
  readonly completionTokens: number;
  /** Whether it has `countTokens`; default true. */
  readonly counts?: boolean | undefined;
  /** Overrides of the scripted backend's capabilities. */
  readonly capabilities?: Partial<BackendCapabilities> | undefined;
}

/** The backend, with the prompts its `countTokens` was asked about. */
export interface CharacterTokensBackend extends ScriptedBackend {
  readonly counted: readonly Prompt[];
}

/**
 * A scripted backend whose prompt tokens are its characters, as the lab models' are: it reports a
 * prompt's characters as its prompt tokens for each request (for each completion under
 * `capabilities.promptPerCompletion`, as the embedded engine charges them), counts them so (`countTokens`, unless
 * `counts` is false), and writes `completionTokens` tokens per completion; a lower `maxTokens` cuts it
 * there, with finish reason `length`.
 */
export function characterTokensBackend(options: CharacterTokensBackendOptions): CharacterTokensBackend {
  const scripted = createScriptedBackend({
    // A lower `maxTokens` cuts it there, finish reason `length`, as the scripted backend honours it.
    respond: () => Array.from({ length: options.completionTokens }).fill("7").join(" "),
    capabilities: options.capabilities,
  });
  const counted: Prompt[] = [];
  const backend: CharacterTokensBackend = {
    ...scripted,
    counted,
    async generate(request, callOptions) {
      const result = await scripted.generate(request, callOptions);
      const charges =
        options.capabilities?.promptPerCompletion === true ? result.completions.length : result.usage.calls;
      return {
        ...result,
        usage: { ...result.usage, promptTokens: promptCharacters(request.prompt) * charges },
      };
    },
  };
  if (options.counts === false) return backend;
  return {
    ...backend,
    async countTokens(prompt) {
      counted.push(prompt);
      return promptCharacters(prompt);
    },
  };
}
