import { textPieces } from "./answer-pieces.ts";
import { chatLogprobs, completionLogprobs } from "./logprobs-body.ts";
import { mullBody } from "./mull-body.ts";
import type { RequestOutcome } from "./request-outcome.ts";
import type { RequestPlan } from "./request-plan.ts";
import type { ResponseIdentity } from "./response-body.ts";
import { toolCallChunks } from "./tool-calls-body.ts";
import { usageBody } from "./usage-body.ts";

type JsonObject = Record<string, unknown>;

/** What every chunk of a streamed response starts with: its id, object, creation time and model. */
export function chunkBase(plan: RequestPlan, identity: ResponseIdentity): JsonObject {
  return {
    id: identity.id,
    object: plan.endpoint === "chat" ? "chat.completion.chunk" : "text_completion",
    created: identity.created,
    model: plan.requestedModel,
  };
}

/**
 * The `data:` payloads of a streamed response, in order: per choice a role chunk (chat), a content chunk
 * per word of its text (the whole text in one when log-probabilities go with it; none for a choice of calls
 * without text), its function calls piece by piece (`delta.tool_calls`: id and name, then the arguments), and a
 * finish chunk; then, when `include_usage` was asked,
 * a chunk with no choices and the usage. The `mull` object rides on the last chunk.
 */
export function streamChunks(
  plan: RequestPlan,
  outcome: RequestOutcome,
  identity: ResponseIdentity,
): JsonObject[] {
  const chat = plan.endpoint === "chat";
  const base = chunkBase(plan, identity);
  const extra = plan.includeUsage ? { usage: null } : {};
  const chunks: JsonObject[] = [];
  outcome.choices.forEach((choice, index) => {
    if (chat) {
      chunks.push({
        ...base,
        choices: [{ index, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }],
        ...extra,
      });
      for (const piece of textPieces(choice.reasoning ?? "")) {
        chunks.push({
          ...base,
          choices: [{ index, delta: { reasoning_content: piece }, logprobs: null, finish_reason: null }],
          ...extra,
        });
      }
      // Log-probabilities go with the whole text; otherwise the text goes out word by word.
      const pieces = plan.logprobs ? [choice.text] : textPieces(choice.text);
      if (pieces.length === 0 && choice.toolCalls === undefined) pieces.push("");
      for (const piece of pieces) {
        chunks.push({
          ...base,
          choices: [
            {
              index,
              delta: { content: piece },
              logprobs: plan.logprobs ? chatLogprobs(choice.tokens) : null,
              finish_reason: null,
            },
          ],
          ...extra,
        });
      }
      chunks.push(...toolCallChunks(base, extra, choice, index));
      chunks.push({
        ...base,
        choices: [{ index, delta: {}, logprobs: null, finish_reason: choice.finishReason }],
        ...extra,
      });
    } else {
      const pieces = plan.logprobs ? [choice.text] : textPieces(choice.text);
      if (pieces.length === 0) pieces.push("");
      for (const piece of pieces) {
        chunks.push({
          ...base,
          choices: [
            {
              index,
              text: piece,
              logprobs: plan.logprobs ? completionLogprobs(choice.tokens) : null,
              finish_reason: null,
            },
          ],
          ...extra,
        });
      }
      chunks.push({
        ...base,
        choices: [{ index, text: "", logprobs: null, finish_reason: choice.finishReason }],
        ...extra,
      });
    }
  });
  const usage = usageBody(outcome.usage, outcome.reasoningTokens);
  if (plan.includeUsage) {
    chunks.push({
      ...base,
      choices: [],
      // Counts the upstream did not report stay unknown (null), never 0.
      usage: usage ?? null,
    });
  }
  const mull = mullBody(outcome);
  const last = chunks.at(-1);
  if (mull !== undefined && last !== undefined) last.mull = mull;
  return chunks;
}
