import { countedPromptUsage } from "../../generation/index.ts";
import type { CallOptions } from "../../spec/index.ts";
import { withGenerationSpan } from "../../telemetry/index.ts";
import { ApiError } from "../http/index.ts";
import { countingStreamedPieces } from "./counting-streamed-pieces.ts";
import { choiceOf } from "./outcome-choice.ts";
import type { RequestOutcome } from "./request-outcome.ts";
import type { RequestPlan } from "./request-plan.ts";
import type { UsageMeter } from "./usage-meter.ts";

/**
 * Where a streamed pass-through's pieces go, each with its completion's index: its text (`onText`) and its
 * reasoning (`onReasoning`); and who is told when its upstream accepted it (`onAccepted`).
 */
export type PieceRelay = Pick<CallOptions, "onText" | "onReasoning" | "onAccepted">;

/**
 * Serves a request without a strategy: its `n` completions straight from the model's backend, with
 * log-probabilities when asked; a streaming client's pieces go to `relay` as the upstream sends them. The
 * plan's notes go with the outcome. The call is an OpenTelemetry client span (`withGenerationSpan`), child
 * of the request's span, with its usage. `meter` records what the call used as it ends (`UsageMeter.watch`):
 * a call that fails or that an abort cuts (a client gone) returns no usage, yet is charged what the
 * upstream reported, or, where it reported nothing, the pieces it had streamed (`countingStreamedPieces`),
 * streamed to its client or not. A prompt the upstream did not tell, once it accepted the call, is taken as
 * planned (`RequestPlan.estimatedPromptTokens`: counted by the model's tokenizer where its backend can, else
 * estimated) for each request the call made, in the outcome's usage as in what the meter records: the
 * request is charged, told and counted the same tokens however it ends.
 *
 * @throws the first failure of a call that lost some of its samples (an upstream that refuses `n`
 * answers each sample alone); ApiError 502 when the upstream returns fewer complete completions than
 * asked for.
 * @example
 * const outcome = await passThrough(plan, signal, { onText: (text) => send(text) }, createUsageMeter());
 */
export async function passThrough(
  plan: RequestPlan,
  signal: AbortSignal,
  relay: PieceRelay | undefined,
  meter?: UsageMeter | undefined,
): Promise<RequestOutcome> {
  // A client that does not stream waits for the whole answer: ask the upstream for it whole, cheaper to read.
  const chosen = plan.stream ? plan.served.backend : (plan.served.unstreamed ?? plan.served.backend);
  // Metered as a strategy's calls are: a call cut or failed part-way is charged what it used, and the
  // prompt it read as planned where the upstream did not tell it.
  const backend =
    meter?.watch(countingStreamedPieces(chosen), plan.estimatedPromptTokens, plan.served.name) ?? chosen;
  const request = {
    prompt: plan.prompt,
    n: plan.samples,
    temperature: plan.temperature,
    topP: plan.topP,
    maxTokens: plan.maxTokens,
    stop: plan.stop,
    seed: plan.seed,
    ...(plan.logprobs ? { logprobs: true } : {}),
    ...(plan.topLogprobs === undefined ? {} : { topLogprobs: plan.topLogprobs }),
    ...(plan.extraBody === undefined ? {} : { extraBody: plan.extraBody }),
  };
  const described = backend.describe();
  // A client span, as a strategy's calls have: the request's settings, the answering model and its usage.
  const result = await withGenerationSpan(
    { ...request, model: described.model, backend: described.kind, signal },
    () => backend.generate(request, { signal, ...relay }),
  );
  signal.throwIfAborted();
  // A client asking for n completions gets them all or the upstream's own failure (a 429 stays a 429,
  // with its Retry-After); the meter has charged what the call used.
  if (result.lostSamples !== undefined) throw result.lostSamples.firstError;
  // What the key is charged for a prompt the upstream left untold (`settledTokens`), told and counted too.
  const usage = countedPromptUsage(result.usage, plan.estimatedPromptTokens);
  const complete = result.completions.filter((completion) => completion.finishReason !== "abort");
  if (complete.length < plan.samples) {
    throw new ApiError(
      502,
      `upstream "${plan.served.upstream}" returned ${complete.length} of ${plan.samples} completions`,
      { code: "upstream_error", usage },
    );
  }
  return {
    choices: complete.map((completion) => ({
      ...choiceOf(
        completion.text,
        completion.finishReason,
        completion.toolCalls,
        completion.reasoning,
        completion.stopSequence,
      ),
      ...(plan.logprobs && completion.tokens !== undefined ? { tokens: completion.tokens } : {}),
    })),
    usage,
    report: undefined,
    ...(plan.notes === undefined || plan.notes.length === 0 ? {} : { notes: plan.notes }),
    ...(result.usage.reasoningTokens === undefined ? {} : { reasoningTokens: result.usage.reasoningTokens }),
  };
}
