import { ConfigError } from "../../errors/index.ts";
import { checkInteger, checkNumber, checkPositive } from "../../runtime/index.ts";
import type { GenerationRequest } from "../../spec/index.ts";

const owner = "generate";

/**
 * Checks a generation request's numbers and its prompt before anything is sent.
 *
 * @throws ConfigError naming the field, e.g. `generate: request.n must be an integer ≥ 1, got 0`.
 */
export function validateRequest(request: GenerationRequest): void {
  const { n, maxTokens, topLogprobs, temperature, topP } = request;
  if (n !== undefined) checkInteger(owner, "request.n", n, { minimum: 1 });
  if (maxTokens !== undefined) checkInteger(owner, "request.maxTokens", maxTokens, { minimum: 1 });
  if (topLogprobs !== undefined) checkInteger(owner, "request.topLogprobs", topLogprobs, { minimum: 0 });
  if (temperature !== undefined) checkNumber(owner, "request.temperature", temperature, { minimum: 0 });
  if (topP !== undefined) {
    checkPositive(owner, "request.topP", topP);
    checkNumber(owner, "request.topP", topP, { maximum: 1 });
  }
  const prompt = request.prompt;
  if (prompt.kind === "chat" && prompt.continueFinalMessage === true) {
    const last = prompt.messages.at(-1);
    if (last?.role !== "assistant") {
      throw new ConfigError(
        `${owner}: request.prompt.messages must end with an assistant message when continueFinalMessage is set, got ${last?.role ?? "no messages"}`,
        { field: "request.prompt.messages" },
      );
    }
  }
}
