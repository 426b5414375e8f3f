/**
 * The text of a message given in parts (OpenAI's `{ type: "text", text }` content parts, Anthropic's text
 * blocks): the parts in order, one per line, as vLLM joins them when it flattens a message's parts for a
 * chat template, so that parts a client sent apart (`"Hello"`, `"world"`) do not run into one word.
 *
 * @example
 * joinTextParts(["You are helpful.", "Be brief."]); // "You are helpful.\nBe brief."
 */
export function joinTextParts(texts: readonly string[]): string {
  return texts.join("\n");
}
