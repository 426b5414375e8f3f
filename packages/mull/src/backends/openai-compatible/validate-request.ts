import { ConfigError } from "../../errors/index.ts";
import type { GenerationRequest } from "../../spec/index.ts";
import { checkGenerationRequest } from "../check-generation-request.ts";

const owner = "generate";

/**
 * Checks a generation request's numbers (the common checks) and its prompt before anything is sent.
 *
 * @throws ConfigError naming the field, e.g. `generate: request.n must be an integer ≥ 1, got 0`.
 */
export function validateRequest(request: GenerationRequest): void {
  checkGenerationRequest(request, owner, "request");
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
