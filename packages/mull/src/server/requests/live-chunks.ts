import { mullBody } from "./mull-body.ts";
import type { RequestOutcome } from "./request-outcome.ts";
import type { RequestPlan } from "./request-plan.ts";
import type { ResponseIdentity } from "./response-body.ts";
import { chunkBase } from "./stream-chunks.ts";
import { toolCallChunks } from "./tool-calls-body.ts";
import { usageBody } from "./usage-body.ts";

type JsonObject = Record<string, unknown>;

/**
 * The `data:` payloads that relay one piece of a pass-through as the upstream streams it: a piece of its
 * text as a content chunk (chat: a delta; completions: a text piece), a piece of its reasoning as a
 * `delta.reasoning_content` chunk (chat only: completions have no place for it), preceded on the first
 * piece of a chat by the role chunk.
 */
export function liveTextChunks(
  plan: RequestPlan,
  identity: ResponseIdentity,
  text: string,
  first: boolean,
  kind: "text" | "reasoning" = "text",
): JsonObject[] {
  const base = chunkBase(plan, identity);
  const extra = plan.includeUsage ? { usage: null } : {};
  if (plan.endpoint !== "chat") {
    if (kind === "reasoning") return [];
    return [{ ...base, choices: [{ index: 0, text, logprobs: null, finish_reason: null }], ...extra }];
  }
  const delta = kind === "text" ? { content: text } : { reasoning_content: text };
  const content = {
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: null }],
    ...extra,
  };
  if (!first) return [content];
  return [
    {
      ...base,
      choices: [{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }],
      ...extra,
    },
    content,
  ];
}

/**
 * The `data:` payloads that end a relayed stream whose text went out piece by piece (`delivered`): any
 * text the pieces missed, the function calls (piece by piece), the finish chunk and, when asked, the usage chunk. The `mull` object (when a
 * fallback answered) rides on the last chunk.
 */
export function liveTailChunks(
  plan: RequestPlan,
  outcome: RequestOutcome,
  identity: ResponseIdentity,
  delivered: string,
): JsonObject[] {
  const base = chunkBase(plan, identity);
  const choice = outcome.choices[0];
  const extra = plan.includeUsage ? { usage: null } : {};
  const chunks: JsonObject[] = [];
  const text = choice?.text ?? "";
  if (text.startsWith(delivered) && text.length > delivered.length) {
    chunks.push(...liveTextChunks(plan, identity, text.slice(delivered.length), false));
  }
  if (plan.endpoint === "chat") chunks.push(...toolCallChunks(base, extra, choice, 0));
  const finishReason = choice?.finishReason ?? "stop";
  chunks.push(
    plan.endpoint === "chat"
      ? { ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: finishReason }], ...extra }
      : { ...base, choices: [{ index: 0, text: "", logprobs: null, finish_reason: finishReason }], ...extra },
  );
  if (plan.includeUsage)
    chunks.push({ ...base, choices: [], usage: usageBody(outcome.usage, outcome.reasoningTokens) ?? null });
  const mull = mullBody(outcome);
  const last = chunks.at(-1);
  if (mull !== undefined && last !== undefined) last.mull = mull;
  return chunks;
}
