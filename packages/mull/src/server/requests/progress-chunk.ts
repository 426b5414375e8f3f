import type { RequestPlan } from "./request-plan.ts";
import type { ResponseIdentity } from "./response-body.ts";
import type { SampleProgress } from "./sample-progress.ts";

/**
 * The `data:` payload that reports a strategy's progress in an OpenAI stream: a chunk with no choices
 * (clients skip it, as they skip the usage chunk) and the extension field
 * `mull.progress = { samples_done, samples_planned, leader, leader_share }`.
 *
 * @example
 * writer.data([progressChunk(plan, identity, { samplesDone: 3, samplesPlanned: 8, leader: "12", leaderShare: 1 })]);
 */
export function progressChunk(
  plan: RequestPlan,
  identity: ResponseIdentity,
  progress: SampleProgress,
): Record<string, unknown> {
  return {
    id: identity.id,
    object: plan.endpoint === "chat" ? "chat.completion.chunk" : "text_completion",
    created: identity.created,
    model: plan.requestedModel,
    choices: [],
    ...(plan.includeUsage ? { usage: null } : {}),
    mull: { progress: progressBody(progress) },
  };
}

/**
 * The wire shape of a strategy's progress, shared by the OpenAI stream's chunks and the Anthropic stream's
 * pings: `{ samples_done, samples_planned, leader, leader_share }`.
 */
export function progressBody(progress: SampleProgress): Record<string, unknown> {
  return {
    samples_done: progress.samplesDone,
    samples_planned: progress.samplesPlanned,
    leader: progress.leader ?? null,
    leader_share: Math.round(progress.leaderShare * 1000) / 1000,
  };
}

/** The SSE comment that reports the same progress to intermediaries that read no JSON. */
export function progressComment(progress: SampleProgress): string {
  const leader = progress.leader === undefined ? "" : ` leader=${JSON.stringify(progress.leader)}`;
  return `progress ${progress.samplesDone}/${progress.samplesPlanned}${leader} share=${progress.leaderShare.toFixed(2)}`;
}
