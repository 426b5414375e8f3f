import type { LiveText } from "./live-text.ts";
import { mullBody } from "./mull-body.ts";
import type { RequestOutcome } from "./request-outcome.ts";
import type { RequestPlan } from "./request-plan.ts";
import type { ResponseIdentity } from "./response-body.ts";
import { chunkBase } from "./stream-chunks.ts";
import { toolCallChunks } from "./tool-calls-body.ts";
import { usageBody } from "./usage-body.ts";

type JsonObject = Record<string, unknown>;

/**
 * The `data:` payloads that relay one piece of a pass-through's choice `index` as the upstream streams it:
 * a piece of its text as a content chunk (chat: a delta; completions: a text piece), a piece of its
 * reasoning as a `delta.reasoning_content` chunk (chat only: completions have no place for it), preceded
 * on the choice's first piece of a chat by its role chunk.
 */
export function liveTextChunks(
  plan: RequestPlan,
  identity: ResponseIdentity,
  text: string,
  first: boolean,
  kind: "text" | "reasoning" = "text",
  index = 0,
): JsonObject[] {
  const base = chunkBase(plan, identity);
  const extra = plan.includeUsage ? { usage: null } : {};
  if (plan.endpoint !== "chat") {
    if (kind === "reasoning") return [];
    return [{ ...base, choices: [{ index, text, logprobs: null, finish_reason: null }], ...extra }];
  }
  const delta = kind === "text" ? { content: text } : { reasoning_content: text };
  const content = {
    ...base,
    choices: [{ index, delta, logprobs: null, finish_reason: null }],
    ...extra,
  };
  if (!first) return [content];
  return [
    {
      ...base,
      choices: [{ index, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }],
      ...extra,
    },
    content,
  ];
}

/**
 * The `data:` payloads that end a relayed stream whose choices' text went out piece by piece (`live`):
 * per choice, in order, any text its pieces missed (after its role chunk, for a chat choice none of whose
 * pieces went out), its function calls (piece by piece) and its finish chunk; then, when asked, the usage
 * chunk. The `mull` object (when a fallback answered) rides on the last chunk.
 */
export function liveTailChunks(
  plan: RequestPlan,
  outcome: RequestOutcome,
  identity: ResponseIdentity,
  live: Pick<LiveText, "text" | "delivered">,
): JsonObject[] {
  const base = chunkBase(plan, identity);
  const extra = plan.includeUsage ? { usage: null } : {};
  const chunks: JsonObject[] = [];
  for (const [index, choice] of outcome.choices.entries()) {
    const delivered = live.text(index);
    const text = choice.text;
    const missed = text.startsWith(delivered) ? text.slice(delivered.length) : "";
    const started = live.delivered(index);
    if (missed !== "" || (!started && plan.endpoint === "chat")) {
      chunks.push(...liveTextChunks(plan, identity, missed, !started, "text", index));
    }
    if (plan.endpoint === "chat") chunks.push(...toolCallChunks(base, extra, choice, index));
    chunks.push(
      plan.endpoint === "chat"
        ? {
            ...base,
            choices: [{ index, delta: {}, logprobs: null, finish_reason: choice.finishReason }],
            ...extra,
          }
        : {
            ...base,
            choices: [{ index, text: "", logprobs: null, finish_reason: choice.finishReason }],
            ...extra,
          },
    );
  }
  if (plan.includeUsage)
    chunks.push({ ...base, choices: [], usage: usageBody(outcome.usage, outcome.reasoningTokens) ?? null });
  const mull = mullBody(outcome);
  const last = chunks.at(-1);
  if (mull !== undefined && last !== undefined) last.mull = mull;
  return chunks;
}
