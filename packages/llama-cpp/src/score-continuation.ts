import { ConfigError } from "mull/errors";
import { describeValue } from "mull/runtime";
import type { CallOptions, ScoreRequest, ScoreResult } from "mull/spec";
import { checkTopLogprobs } from "./check-top-logprobs.ts";
import { isAbortReason } from "./is-abort-reason.ts";
import type { LlamaCppEngine } from "./llama-cpp-engine.ts";
import { teacherForce } from "./teacher-force.ts";
import { toBackendError } from "./to-backend-error.ts";

/**
 * The backend's `score`: raw-distribution logprobs of a continuation after a prompt, by teacher forcing on a
 * sequence that preferably caches the prompt already. An abort rejects with the signal's reason.
 */
export async function scoreContinuation(
  engine: LlamaCppEngine,
  request: ScoreRequest,
  callOptions: CallOptions,
): Promise<ScoreResult> {
  const { loaded, renderer } = engine;
  const signal = callOptions.signal;
  signal?.throwIfAborted();
  if (typeof request?.continuation !== "string") {
    throw new ConfigError(`continuation must be a string, got ${describeValue(request?.continuation)}`, {
      field: "continuation",
    });
  }
  const topLogprobs = checkTopLogprobs(loaded.owner, request.topLogprobs ?? 0, loaded.vocabularySize);
  const prompt = request.prompt;
  const rendered = renderer.render(prompt);
  const continuation = renderer.continuationTokens(prompt, rendered, request.continuation);
  engine.checkFits(rendered.tokens.length + continuation.length, "prompt and continuation");
  const lease = await engine.pool.acquire(signal, [...rendered.tokens, ...continuation]);
  try {
    signal?.throwIfAborted();
    const forced = await teacherForce(lease.item, rendered.tokens, continuation, topLogprobs);
    signal?.throwIfAborted();
    const texts = engine.tokenText.pieces(continuation, rendered.tokens.slice(-8));
    const tokens = engine.tokenText.logprobs(forced.tokens, texts, topLogprobs);
    return {
      tokens,
      logprob: tokens.reduce((sum, token) => sum + token.logprob, 0),
      usage: {
        promptTokens: rendered.tokens.length + continuation.length,
        completionTokens: 0,
        cachedPromptTokens: forced.reused,
        calls: 1,
      },
    };
  } catch (error) {
    if (isAbortReason(error, signal)) throw error;
    throw toBackendError(error, loaded.owner);
  } finally {
    lease.release();
  }
}
