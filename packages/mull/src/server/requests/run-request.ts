import { randomInt } from "node:crypto";
import { latestScore } from "../../scoring/index.ts";
import { toolCallDecision } from "../../selection/index.ts";
import { solve } from "../../solve.ts";
import type {
  Backend,
  CallOptions,
  Candidate,
  Completion,
  FinishReason,
  SolveResult,
  TokenLogprob,
  ToolCall,
  Usage,
} from "../../spec/index.ts";
import { ApiError } from "../http/index.ts";
import { createSampleFanOut, type SampleCounts } from "../upstreams/index.ts";
import { reasoningTokensOf, splitReasoning } from "./forced-reasoning.ts";
import type { RequestPlan } from "./request-plan.ts";
import { splitThinking, withoutThinking } from "./split-thinking.ts";

/** Where a streamed pass-through's pieces go: its text (`onText`) and its reasoning (`onReasoning`). */
export type PieceRelay = Pick<CallOptions, "onText" | "onReasoning">;

/** One choice of a response. */
export interface OutcomeChoice {
  readonly text: string;
  /** `tool_calls` when the choice ends in function calls. */
  readonly finishReason: "stop" | "length" | "tool_calls";
  /** The function calls the choice ends in, returned as OpenAI's `tool_calls`. */
  readonly toolCalls?: readonly ToolCall[] | undefined;
  /** Per-token log-probabilities, when asked for (pass-through only). */
  readonly tokens?: readonly TokenLogprob[] | undefined;
  /**
   * What the model reasoned apart from its answer: the upstream's `reasoning_content`, or (chat, under a
   * strategy) the `<think>` block split off the text, or the thinking mull cut at the request's reasoning
   * budget before it asked for the answer. Returned as `reasoning_content`, never voted on.
   */
  readonly reasoning?: string | undefined;
  /**
   * The stop string that ended the choice, when the upstream said which (`Completion.stopSequence`):
   * Anthropic's `stop_reason: "stop_sequence"`; OpenAI's shape keeps `finish_reason: "stop"`.
   */
  readonly stopSequence?: string | undefined;
}

/** What a strategy did, for the `mull` object of a response. */
export interface StrategyReport {
  readonly strategy: string;
  readonly answer: string | undefined;
  readonly candidates: number;
  readonly votes: Readonly<Record<string, number>> | undefined;
  readonly stoppedBy: string;
  readonly partial: boolean;
  readonly samples: SampleCounts | undefined;
  readonly scoreCalls: number;
  /** The run's seed: the client's, or a fresh one (send it back as `mull.seed` to repeat the run). */
  readonly seed: number;
  /**
   * The run's trace notes (a fallback taken, a scorer that could not choose, a limit that cannot be
   * enforced), first ones first, at most `maxNotes`.
   */
  readonly notes: readonly string[];
}

/** Notes returned with a response: a router may note every step, and the response stays small. */
const maxNotes = 8;

function runNotes(result: SolveResult): string[] {
  const notes: string[] = [];
  for (const event of result.trace) {
    if (event.type !== "note" || notes.includes(event.message)) continue;
    // Upstream addresses stay on the server.
    notes.push(event.message.replace(/https?:\/\/\S+/g, "(upstream)").slice(0, 300));
  }
  return notes.length > maxNotes
    ? [...notes.slice(0, maxNotes), `… and ${notes.length - maxNotes} more`]
    : notes;
}

/** The result of serving a request. */
export interface RequestOutcome {
  readonly choices: readonly OutcomeChoice[];
  /** Usage over every upstream call of the request. */
  readonly usage: Usage;
  /** Present when a strategy ran. */
  readonly report: StrategyReport | undefined;
  /** The served model that answered, when it is not the one requested (a fallback). */
  readonly servedBy?: string | undefined;
  /**
   * Thinking tokens of every sample (included in `usage.completionTokens`): counted by mull when it kept
   * the request's reasoning budget, else as the upstream reported them (`usage.reasoningTokens`: vLLM and
   * llama.cpp keeping a budget, or any reasoning model that reports them).
   */
  readonly reasoningTokens?: number | undefined;
}

/**
 * OpenAI's finish reason: `length` stays, a completion that ended in function calls is `tool_calls`, everything
 * else (a watcher's `cut` too, as OpenAI has none) is `stop`.
 */
function finishOf(reason: FinishReason, toolCalls?: readonly ToolCall[]): OutcomeChoice["finishReason"] {
  if (reason === "length") return "length";
  return toolCalls !== undefined && toolCalls.length > 0 ? "tool_calls" : "stop";
}

/** A choice from a completion or candidate, with its calls when it ended in some and its reasoning. */
function choiceOf(
  text: string,
  reason: FinishReason,
  toolCalls: readonly ToolCall[] | undefined,
  reasoning?: string | undefined,
  stopSequence?: string | undefined,
): OutcomeChoice {
  const finishReason = finishOf(reason, toolCalls);
  const choice: OutcomeChoice = {
    text,
    finishReason,
    ...(reasoning === undefined ? {} : { reasoning }),
    ...(stopSequence === undefined || finishReason !== "stop" ? {} : { stopSequence }),
  };
  return toolCalls === undefined || toolCalls.length === 0 ? choice : { ...choice, toolCalls };
}

/** A strategy's chosen candidate as a choice: a chat answer's `<think>` block goes apart, as reasoning. */
function candidateChoice(candidate: Candidate, plan: RequestPlan): OutcomeChoice {
  const split = plan.endpoint === "chat" ? splitThinking(candidate.text) : undefined;
  const thought = [candidate.reasoning, split?.reasoning].filter((part) => part !== undefined).join("\n");
  return choiceOf(
    split?.answer ?? candidate.text,
    candidate.finishReason,
    candidate.toolCalls,
    thought === "" ? undefined : thought,
    candidate.stopSequence,
  );
}

/** The backend with the request's forwarded fields (`tools`, penalties, …) on every call a strategy makes. */
function withExtraBody(backend: Backend, extraBody: Readonly<Record<string, unknown>> | undefined): Backend {
  if (extraBody === undefined) return backend;
  return {
    describe: () => backend.describe(),
    capabilities: (options) => backend.capabilities(options),
    generate: (request, options) =>
      backend.generate({ ...request, extraBody: { ...extraBody, ...(request.extraBody ?? {}) } }, options),
    ...(backend.score === undefined ? {} : { score: backend.score.bind(backend) }),
  };
}

/**
 * Whether a strategy chose nothing although some finished sample had an answer: it declined them (an
 * `accept@N` whose verifier accepted none), rather than finding none to choose.
 */
function declined(result: SolveResult): boolean {
  return (
    result.answer === undefined &&
    result.best === undefined &&
    result.candidates.some((candidate) => finished(candidate) && candidate.answer !== undefined)
  );
}

/** Whether a candidate ran to its end: not aborted, and not cut by a token watcher (a trace given up on). */
function finished(candidate: Candidate): boolean {
  return candidate.finishReason !== "abort" && candidate.finishReason !== "cut";
}

/**
 * The candidates to return: under `toolCallDecision`, the winning calls' best sample first, then the best
 * of each other call; otherwise (text won) the chosen one first, then the best of each other answer by
 * votes, then the rest, samples that ended in calls left out.
 */
function rankedCandidates(result: SolveResult, plan: RequestPlan): Candidate[] {
  const finishedOnes = result.candidates.filter(finished);
  const decision = toolCallDecision(finishedOnes, result.votes ?? {}, plan.answerFormat);
  if (decision.kind === "calls") return decision.ranked.map((entry) => entry.best).slice(0, plan.choices);
  const usable = finishedOnes.filter((candidate) => candidate.toolCalls === undefined);
  const textWon = result.best !== undefined && finished(result.best) && result.best.toolCalls === undefined;
  const pickedCall = result.best?.toolCalls !== undefined;
  const first = textWon ? result.best : pickedCall ? undefined : usable[0];
  const ordered: Candidate[] = first === undefined ? [] : [first];
  // Text that outvoted the calls while the strategy picked a call: the best of the most voted text answer.
  if (plan.choices > 1 || ordered.length === 0) {
    const groups = new Map<string, Candidate[]>();
    for (const candidate of usable) {
      if (candidate.answer === undefined) continue;
      const key = plan.answerFormat.key(candidate.answer);
      groups.set(key, [...(groups.get(key) ?? []), candidate]);
    }
    const votes = result.votes ?? {};
    const keys = [...groups.keys()].sort((a, b) => (votes[b] ?? 0) - (votes[a] ?? 0));
    for (const key of keys) {
      const members = groups.get(key) ?? [];
      const top = [...members].sort(
        (a, b) => (latestScore(b) ?? -Infinity) - (latestScore(a) ?? -Infinity),
      )[0];
      if (top !== undefined && !ordered.includes(top)) ordered.push(top);
    }
    for (const candidate of usable) if (!ordered.includes(candidate)) ordered.push(candidate);
  }
  return ordered.slice(0, plan.choices);
}

async function passThrough(
  plan: RequestPlan,
  signal: AbortSignal,
  relay: PieceRelay | undefined,
): Promise<RequestOutcome> {
  // A client that does not stream waits for the whole answer: ask the upstream for it whole, cheaper to read.
  const backend = plan.stream ? plan.served.backend : (plan.served.unstreamed ?? plan.served.backend);
  const result = await backend.generate(
    {
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
    },
    { signal, ...relay },
  );
  signal.throwIfAborted();
  const complete = result.completions.filter((completion) => completion.finishReason !== "abort");
  if (complete.length < plan.samples) {
    throw new ApiError(
      502,
      `upstream "${plan.served.upstream}" returned ${complete.length} of ${plan.samples} completions`,
      {
        code: "upstream_error",
      },
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
    usage: result.usage,
    report: undefined,
    ...(result.usage.reasoningTokens === undefined ? {} : { reasoningTokens: result.usage.reasoningTokens }),
  };
}

/** The backend, telling `onCompletion` of each completion its calls return. */
function withCompletionHook(
  backend: Backend,
  onCompletion: ((completion: Completion) => void) | undefined,
): Backend {
  if (onCompletion === undefined) return backend;
  const hooked: Backend = {
    describe: () => backend.describe(),
    capabilities: (options) => backend.capabilities(options),
    generate: async (request, options) => {
      const result = await backend.generate(request, options);
      for (const completion of result.completions) onCompletion(completion);
      return result;
    },
    ...(backend.score === undefined ? {} : { score: backend.score.bind(backend) }),
  };
  return hooked;
}

async function withStrategy(
  plan: RequestPlan,
  signal: AbortSignal,
  minSampleFraction: number,
  onSample: ((completion: Completion) => void) | undefined,
): Promise<RequestOutcome> {
  const strategy = plan.strategy;
  if (strategy === undefined) throw new Error("withStrategy needs a strategy");
  // HTTP upstreams draw one request per sample: a lost sample costs only itself, and the vote goes on.
  const fanOut =
    plan.served.kind === "openai-compatible" ? createSampleFanOut(plan.served.backend, onSample) : undefined;
  // Without a seed from the client every request samples afresh, as it would without the proxy.
  const seed = plan.seed ?? randomInt(0, 2 ** 31 - 1);
  const result = await solve({
    problem: plan.problem,
    strategy,
    backend: withExtraBody(
      fanOut?.backend ?? withCompletionHook(plan.served.backend, onSample),
      plan.extraBody,
    ),
    budget: plan.budget,
    seed,
    sampling: {
      ...(plan.temperature === undefined ? {} : { temperature: plan.temperature }),
      ...(plan.topP === undefined ? {} : { topP: plan.topP }),
      maxTokens: plan.maxTokens,
      ...(plan.stop === undefined ? {} : { stop: plan.stop }),
    },
    // A `<think>` block is never read for the answer: the vote is over what the samples answered.
    answerFormat: withoutThinking(plan.answerFormat),
    thinkingCues: plan.served.profile.thinkingCues,
    ...(plan.promptTemplate === undefined ? {} : { promptTemplate: plan.promptTemplate }),
    ...(plan.served.scorer === undefined ? {} : { scorer: plan.served.scorer }),
    signal: fanOut === undefined ? signal : AbortSignal.any([signal, fanOut.samplesLost]),
  });
  signal.throwIfAborted();
  const counts = fanOut?.counts();
  if (counts !== undefined && counts.failed > 0) {
    const quorum = Math.max(1, Math.ceil(plan.samples * minSampleFraction));
    if (counts.succeeded < quorum) {
      const detail =
        counts.firstError instanceof Error
          ? counts.firstError.message.replace(/https?:\/\/\S+/g, "(upstream)")
          : "";
      throw new ApiError(
        502,
        `only ${counts.succeeded} of ${plan.samples} samples succeeded, below the quorum of ${quorum}; first failure: ${detail.slice(0, 300)}`,
        { code: "samples_below_quorum", cause: counts.firstError },
      );
    }
  }
  const chosen = rankedCandidates(result, plan);
  if (chosen.length === 0) {
    throw new ApiError(502, `strategy ${result.strategy} produced no complete sample (${result.stoppedBy})`, {
      code: "no_complete_sample",
    });
  }
  const lost = counts !== undefined && counts.failed > 0;
  const choices = chosen.map((candidate) => candidateChoice(candidate, plan));
  // A thinking budget mull kept: each answer is split from its thinking, whose tokens are counted.
  const forced = plan.reasoningBudget?.by === "mull" ? plan.reasoningBudget : undefined;
  const reasoningTokens =
    forced === undefined ? result.usage.reasoningTokens : reasoningTokensOf(result.candidates);
  return {
    choices:
      forced === undefined
        ? choices
        : choices.map((choice) => {
            const split = splitReasoning(choice, forced.answerCue);
            return split === choice || choice.reasoning === undefined
              ? split
              : { ...split, reasoning: `${choice.reasoning}\n${split.reasoning ?? ""}` };
          }),
    ...(reasoningTokens === undefined ? {} : { reasoningTokens }),
    usage: result.usage,
    report: {
      strategy: result.strategy,
      // The answer returned: the strategy's, unless the vote between calls and text overruled it; none
      // when the strategy declined every answered sample (an abstaining accept@N), whose text still goes out.
      answer: declined(result) ? undefined : (chosen[0]?.answer ?? result.answer),
      candidates: result.candidates.length,
      votes: result.votes,
      stoppedBy: lost && result.stoppedBy === "abort" ? "samples-lost" : result.stoppedBy,
      partial: result.partial || lost,
      samples: counts,
      scoreCalls: result.scoreCalls,
      seed,
      notes: runNotes(result),
    },
  };
}

/**
 * Serves a planned request: passes it through to the model's backend (`n` completions, log-probabilities
 * when asked), or runs its strategy with `solve` and returns the best candidate of the winning answer
 * (a real completion, never a synthesised text), with the votes and the usage of every sample. Samples
 * lost to upstream failures are left out of the vote; below the quorum (`minSampleFraction` of the
 * samples) the request fails with 502. Everything stops when `signal` fires. `relay.onText` receives a
 * pass-through's text piece by piece as the upstream streams it (one completion, streaming backends), `relay.onReasoning` its reasoning;
 * `onSample` hears each of a strategy's samples as its call returns (an HTTP upstream's samples one by
 * one, as each finishes), for a stream's progress.
 */
export function runRequest(
  plan: RequestPlan,
  signal: AbortSignal,
  minSampleFraction: number,
  relay?: PieceRelay,
  onSample?: (completion: Completion) => void,
): Promise<RequestOutcome> {
  return plan.strategy === undefined
    ? passThrough(plan, signal, relay)
    : withStrategy(plan, signal, minSampleFraction, onSample);
}
