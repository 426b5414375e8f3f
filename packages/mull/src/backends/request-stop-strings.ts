import type { GenerationRequest } from "../spec/index.ts";

/**
 * Every string a request's completions stop before: the request's `stop`, then its prompt's own `stop`
 * (a few-shot template's next question) that the request does not list already. A backend sends or
 * matches these, so that a prompt's stop strings hold on every backend alike. Empty for none.
 *
 * @example
 * requestStopStrings({ prompt: { kind: "text", text: "Q: 1+1?\nA:", stop: ["\n\nQ:"] }, stop: ["</s>"] });
 * // ["</s>", "\n\nQ:"]
 */
export function requestStopStrings(request: GenerationRequest): readonly string[] {
  const own = request.stop ?? [];
  const prompts = request.prompt.stop ?? [];
  if (prompts.length === 0) return own;
  return [...own, ...prompts.filter((stop) => !own.includes(stop))];
}
