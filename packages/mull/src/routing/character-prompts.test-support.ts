import { promptCharacters } from "../generation/index.ts";
import type { Backend } from "../spec/index.ts";

/**
 * The backend with a token per character of its prompts, as the lab models have: it counts them so
 * (`countTokens`) and charges them once per request of its calls, and a reading (`score`) the prompt's
 * characters and those of the continuation it reads. Its completions keep the tokens the backend gives.
 */
export function characterPrompts(backend: Backend): Backend {
  const score = backend.score;
  return {
    ...backend,
    countTokens: async (prompt) => promptCharacters(prompt),
    generate: async (request, callOptions) => {
      const result = await backend.generate(request, callOptions);
      const promptTokens = promptCharacters(request.prompt) * result.usage.calls;
      return { ...result, usage: { ...result.usage, promptTokens } };
    },
    ...(score === undefined
      ? {}
      : {
          score: async (request, callOptions) => {
            const result = await score(request, callOptions);
            const promptTokens = promptCharacters(request.prompt) + request.continuation.length;
            return { ...result, usage: { ...result.usage, promptTokens } };
          },
        }),
  };
}
