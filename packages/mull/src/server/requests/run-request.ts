import { randomInt } from "node:crypto";
import { optionalMethodsOf } from "../../runtime/index.ts";
import { solve } from "../../solve.ts";
import type { Backend, Completion, GenerationRequest, SolveResult } from "../../spec/index.ts";
import { ApiError } from "../http/index.ts";
import { reasoningTokensOf, splitReasoning } from "./forced-reasoning.ts";
import { candidateChoice } from "./outcome-choice.ts";
import { type PieceRelay, passThrough } from "./pass-through.ts";
import { declined, rankedCandidates } from "./ranked-candidates.ts";
import { createRequestBackends } from "./request-backends.ts";
import type { RequestOutcome } from "./request-outcome.ts";
import type { RequestPlan } from "./request-plan.ts";
import { withRouteModels } from "./route-model-scope.ts";
import { withoutThinking } from "./split-thinking.ts";
import type { UsageMeter } from "./usage-meter.ts";

export type { PieceRelay } from "./pass-through.ts";
export type { OutcomeChoice, RequestOutcome, StrategyReport } from "./request-outcome.ts";

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

/** The backend with the request's forwarded fields (`tools`, penalties, …) on every call a strategy makes. */
function withExtraBody(backend: Backend, extraBody: Readonly<Record<string, unknown>> | undefined): Backend {
  if (extraBody === undefined) return backend;
  return {
    describe: () => backend.describe(),
    capabilities: (options) => backend.capabilities(options),
    generate: (request, options) =>
      backend.generate({ ...request, extraBody: { ...extraBody, ...(request.extraBody ?? {}) } }, options),
    ...optionalMethodsOf(backend),
  };
}

async function withStrategy(
  plan: RequestPlan,
  signal: AbortSignal,
  minSampleFraction: number,
  onSample: ((completion: Completion, request: GenerationRequest) => void) | undefined,
  meter: UsageMeter | undefined,
): Promise<RequestOutcome> {
  const strategy = plan.strategy;
  if (strategy === undefined) throw new Error("withStrategy needs a strategy");
  // Every model the strategy calls (its served model, and each model of a routing strategy's route) is
  // called through the request's own backend of it: named by the served name, so that its samples,
  // finished or cut, are counted under one model; metered below its fan-out, which keeps only the samples
  // that finished (a run that fails or is aborted returns no usage, yet is charged what its calls used);
  // HTTP upstreams drawing one request per sample (a lost sample costs only itself, and the vote goes
  // on), any other counting a call's samples (the embedded model's native `n`); each heard as progress.
  const backends = createRequestBackends({ plan, meter, onSample });
  const served = backends.backendOf(plan.served);
  // Without a seed from the client every request samples afresh, as it would without the proxy.
  const seed = plan.seed ?? randomInt(0, 2 ** 31 - 1);
  // The judge's calls (a judged `bon@N`'s verdicts, a search's step rewards) are metered as the samples
  // are, for a run that fails or is aborted while it judges; their prompt is the judge's, not the plan's.
  const judge = plan.served.judgeBackend;
  const run = (work: () => Promise<SolveResult>) =>
    withRouteModels(backends.backendOf, () =>
      judge === undefined || meter === undefined
        ? work()
        : judge.watching((backend) => meter.watch(backend, undefined), work),
    );
  const result = await run(() =>
    solve({
      problem: plan.problem,
      strategy,
      backend: withExtraBody(served, plan.extraBody),
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
      signal: AbortSignal.any([signal, backends.samplesLost]),
    }),
  );
  signal.throwIfAborted();
  // Samples cut before another of their prompt reported it are told it now, as are the response's counts.
  const usage = backends.usageOf(result.usage);
  const counts = backends.fannedOutCounts();
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
        { code: "samples_below_quorum", cause: counts.firstError, usage },
      );
    }
  }
  const chosen = rankedCandidates(result, plan);
  if (chosen.length === 0) {
    throw new ApiError(502, `strategy ${result.strategy} produced no complete sample (${result.stoppedBy})`, {
      code: "no_complete_sample",
      usage,
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
              : {
                  ...split,
                  // Thinking sent apart, then any written before the cue.
                  reasoning: [choice.reasoning, split.reasoning ?? ""]
                    .filter((part) => part !== "")
                    .join("\n"),
                };
          }),
    ...(reasoningTokens === undefined ? {} : { reasoningTokens }),
    usage,
    ...(result.usageByModel === undefined ? {} : { usageByModel: result.usageByModel }),
    report: {
      strategy: result.strategy,
      // The answer of the choice returned: the strategy's where its own candidate goes out, else that
      // choice's own (none where it has none: the text of samples that outnumbered the calls the strategy
      // picked, never the calls' answer); none when the strategy declined every answered sample (an
      // abstaining accept@N), whose text still goes out.
      answer: declined(result) ? undefined : chosen[0] === result.best ? result.answer : chosen[0]?.answer,
      candidates: result.candidates.length,
      votes: result.votes,
      stoppedBy: lost && result.stoppedBy === "abort" ? "samples-lost" : result.stoppedBy,
      partial: result.partial || lost,
      samples: backends.counts(),
      scoreCalls: result.scoreCalls,
      seed,
      notes: [...(plan.notes ?? []), ...runNotes(result)],
    },
  };
}

/** Options of `runRequest`. */
export interface RunRequestOptions {
  /** The planned request: a pass-through when it has no strategy. */
  readonly plan: RequestPlan;
  /** Stops every upstream call of the request. */
  readonly signal: AbortSignal;
  /**
   * The share of a strategy's samples that must come back (above 0, at most 1): with fewer, lost to upstream
   * failures, the request fails with 502.
   */
  readonly minSampleFraction: number;
  /** Receives a pass-through's text and reasoning piece by piece, and the upstream's acceptance of its call. */
  readonly relay?: PieceRelay | undefined;
  /** Hears each of a strategy's samples as its call returns (a stream's progress). */
  readonly onSample?: ((completion: Completion, request: GenerationRequest) => void) | undefined;
  /** Records the usage of each upstream call as it ends (`UsageMeter.watch`). */
  readonly meter?: UsageMeter | undefined;
}

/**
 * Serves a planned request: passes it through to the model's backend (`n` completions, log-probabilities
 * when asked), or runs its strategy with `solve` and returns the best candidate of the winning answer
 * (a real completion, never a synthesised text), with the votes and the usage of every sample. Samples
 * lost to upstream failures are left out of the vote; below the quorum (`minSampleFraction` of the
 * samples) the request fails with 502. Everything stops when `signal` fires. `relay.onText` receives a
 * pass-through's text piece by piece as the upstream streams it (each completion's with its index,
 * streaming backends), `relay.onReasoning` its reasoning;
 * `onSample` hears each of a strategy's samples as its call returns (an HTTP upstream's samples one by
 * one, as each finishes), for a stream's progress. `meter` records the usage of each upstream call a
 * strategy (its samples, and its judge's calls: `ServedModel.judgeBackend`) or a pass-through makes as it
 * ends (`UsageMeter.watch`), for a request that fails or is aborted part-way. A routing strategy's calls
 * to every model of its route are metered, fanned out, counted and heard as its served model's are
 * (`createRequestBackends`, `withRouteModels`).
 *
 * @example
 * const outcome = await runRequest({ plan, signal, minSampleFraction: 0.5, meter });
 */
export function runRequest(options: RunRequestOptions): Promise<RequestOutcome> {
  const { plan, signal, minSampleFraction, relay, onSample, meter } = options;
  return plan.strategy === undefined
    ? passThrough(plan, signal, relay, meter)
    : withStrategy(plan, signal, minSampleFraction, onSample, meter);
}
