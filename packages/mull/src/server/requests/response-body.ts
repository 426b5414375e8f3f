import type { TokenLogprob, ToolCall, Usage } from "../../spec/index.ts";
import { answerPieces, textPieces } from "./answer-pieces.ts";
import type { RequestPlan } from "./request-plan.ts";
import type { OutcomeChoice, RequestOutcome } from "./run-request.ts";

/** Identity of one response: its id and creation time (seconds). */
export interface ResponseIdentity {
  readonly id: string;
  readonly created: number;
}

type JsonObject = Record<string, unknown>;

/**
 * OpenAI's usage object, or `undefined` when the upstream did not report the counts; thinking tokens mull
 * counted (`reasoningTokens`, part of the completion tokens) as `completion_tokens_details.reasoning_tokens`.
 */
export function usageBody(usage: Usage, reasoningTokens?: number | undefined): JsonObject | undefined {
  if (usage.promptTokens === undefined || usage.completionTokens === undefined) return undefined;
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    ...(usage.cachedPromptTokens === undefined
      ? {}
      : { prompt_tokens_details: { cached_tokens: usage.cachedPromptTokens } }),
    ...(reasoningTokens === undefined
      ? {}
      : { completion_tokens_details: { reasoning_tokens: reasoningTokens } }),
  };
}

/**
 * The `mull` object: what the strategy did and what every sample cost, `notes` from its trace when it has
 * any (a fallback taken, a scorer that could not choose), and `served_by`, the served model that answered,
 * when a fallback answered instead of the model requested.
 */
export function mullBody(outcome: RequestOutcome): JsonObject | undefined {
  const report = outcome.report;
  const servedBy = outcome.servedBy === undefined ? {} : { served_by: outcome.servedBy };
  if (report === undefined) return outcome.servedBy === undefined ? undefined : servedBy;
  const usage = outcome.usage;
  return {
    ...servedBy,
    strategy: report.strategy,
    answer: report.answer ?? null,
    candidates: report.candidates,
    votes: report.votes ?? null,
    stopped_by: report.stoppedBy,
    partial: report.partial,
    seed: report.seed,
    ...(report.notes.length === 0 ? {} : { notes: report.notes }),
    ...(report.samples === undefined
      ? {}
      : {
          samples: {
            requested: report.samples.requested,
            ok: report.samples.succeeded,
            failed: report.samples.failed,
          },
        }),
    usage: {
      prompt_tokens: usage.promptTokens ?? null,
      completion_tokens: usage.completionTokens ?? null,
      total_tokens:
        usage.promptTokens === undefined || usage.completionTokens === undefined
          ? null
          : usage.promptTokens + usage.completionTokens,
      calls: usage.calls,
      score_calls: report.scoreCalls,
      ...(outcome.reasoningTokens === undefined ? {} : { reasoning_tokens: outcome.reasoningTokens }),
    },
  };
}

function chatLogprobs(tokens: readonly TokenLogprob[] | undefined): JsonObject | null {
  if (tokens === undefined) return null;
  return {
    content: tokens.map((token) => ({
      token: token.token,
      logprob: token.logprob,
      bytes: [...Buffer.from(token.token, "utf8")],
      top_logprobs: (token.topLogprobs ?? []).map((top) => ({
        token: top.token,
        logprob: top.logprob,
        bytes: [...Buffer.from(top.token, "utf8")],
      })),
    })),
  };
}

function completionLogprobs(tokens: readonly TokenLogprob[] | undefined): JsonObject | null {
  if (tokens === undefined) return null;
  let offset = 0;
  const offsets = tokens.map((token) => {
    const start = offset;
    offset += token.token.length;
    return start;
  });
  return {
    tokens: tokens.map((token) => token.token),
    token_logprobs: tokens.map((token) => token.logprob),
    top_logprobs: tokens.map((token) =>
      token.topLogprobs === undefined
        ? null
        : Object.fromEntries(token.topLogprobs.map((top) => [top.token, top.logprob])),
    ),
    text_offset: offsets,
  };
}

/** OpenAI's `tool_calls` of a choice; with `indexed`, each call carries its `index`, as stream deltas do. */
function toolCallsBody(calls: readonly ToolCall[], indexed: boolean): JsonObject[] {
  return calls.map((call, position) => ({
    ...(indexed ? { index: position } : {}),
    id: call.id,
    type: "function",
    function: { name: call.name, arguments: call.arguments },
  }));
}

/**
 * A chat choice's message: its text, its thinking as `reasoning_content` (as vLLM and llama.cpp return it)
 * when mull cut it at a budget, and its calls as `tool_calls` (content `null` when it has no text).
 */
function messageBody(choice: OutcomeChoice): JsonObject {
  const calls = choice.toolCalls;
  const reasoning = choice.reasoning === undefined ? {} : { reasoning_content: choice.reasoning };
  if (calls === undefined) return { role: "assistant", content: choice.text, ...reasoning };
  return {
    role: "assistant",
    content: choice.text === "" ? null : choice.text,
    ...reasoning,
    tool_calls: toolCallsBody(calls, false),
  };
}

/** The stream chunks that carry a choice's calls piece by piece (OpenAI's streamed `delta.tool_calls`). */
function toolCallChunks(
  base: JsonObject,
  extra: JsonObject,
  choice: OutcomeChoice | undefined,
  index: number,
): JsonObject[] {
  if (choice?.toolCalls === undefined) return [];
  return answerPieces("", choice.toolCalls).map((piece) => {
    if (piece.kind !== "tool-call") throw new Error("expected a tool-call piece");
    const call =
      piece.id === undefined
        ? { index: piece.index, function: { arguments: piece.arguments } }
        : {
            index: piece.index,
            id: piece.id,
            type: "function",
            function: { name: piece.name, arguments: piece.arguments },
          };
    return {
      ...base,
      choices: [{ index, delta: { tool_calls: [call] }, logprobs: null, finish_reason: null }],
      ...extra,
    };
  });
}

function choiceBody(plan: RequestPlan, choice: OutcomeChoice, index: number): JsonObject {
  if (plan.endpoint === "chat") {
    return {
      index,
      message: messageBody(choice),
      logprobs: plan.logprobs ? chatLogprobs(choice.tokens) : null,
      finish_reason: choice.finishReason,
    };
  }
  return {
    index,
    text: choice.text,
    logprobs: plan.logprobs ? completionLogprobs(choice.tokens) : null,
    finish_reason: choice.finishReason,
  };
}

/** A whole (non-streamed) `chat.completion` or `text_completion` with the `mull` object. */
export function completionBody(
  plan: RequestPlan,
  outcome: RequestOutcome,
  identity: ResponseIdentity,
): JsonObject {
  const usage = usageBody(outcome.usage, outcome.reasoningTokens);
  const mull = mullBody(outcome);
  return {
    id: identity.id,
    object: plan.endpoint === "chat" ? "chat.completion" : "text_completion",
    created: identity.created,
    model: plan.requestedModel,
    choices: outcome.choices.map((choice, index) => choiceBody(plan, choice, index)),
    ...(usage === undefined ? {} : { usage }),
    ...(mull === undefined ? {} : { mull }),
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
  const base = {
    id: identity.id,
    object: chat ? "chat.completion.chunk" : "text_completion",
    created: identity.created,
    model: plan.requestedModel,
  };
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

function chunkBase(plan: RequestPlan, identity: ResponseIdentity) {
  return {
    id: identity.id,
    object: plan.endpoint === "chat" ? "chat.completion.chunk" : "text_completion",
    created: identity.created,
    model: plan.requestedModel,
  };
}

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
