import type { AnswerFormat } from "./answer.ts";
import type { Backend } from "./backend.ts";
import type { Budget, StopReason } from "./budget.ts";
import type { Candidate } from "./candidate.ts";
import type { Problem, PromptTemplate } from "./problem.ts";
import type { Clock, Rng } from "./randomness.ts";
import type { Selector } from "./selection.ts";
import type { ThinkingCues } from "./thinking-cues.ts";
import type { TraceEvent, Tracer } from "./trace.ts";
import type { Usage } from "./usage.ts";

/** Sampling settings a strategy applies to the generations it makes, unless it overrides them. */
export interface SamplingSettings {
  /** Sampling temperature, 0 for greedy; unset, strategies that draw several samples and searches use 0.7. */
  readonly temperature?: number | undefined;
  /** Nucleus sampling threshold in (0, 1], 1 disabling it; unset, the backend's default. */
  readonly topP?: number | undefined;
  /** Top-k sampling, 0 disabling it; honoured where `capabilities.topK`; unset, the backend's default. */
  readonly topK?: number | undefined;
  /** Min-p sampling threshold, 0 disabling it; unset, the backend's default. */
  readonly minP?: number | undefined;
  /**
   * Most tokens one completion generates, lowered to what the budget's token limits leave; unset, the
   * backend's own limit.
   */
  readonly maxTokens?: number | undefined;
  /** Strings that end a completion before them (not kept in its text); unset, none. */
  readonly stop?: readonly string[] | undefined;
}

/** Everything a strategy may use. Randomness, time and cancellation come in here, never from globals. */
export interface StrategyContext {
  /**
   * The model its generations go to (`solve`'s `backend`); routing strategies resolve others by name.
   * Generate through `sampleCandidates` or `generateRecorded` (or a block built on them), never by
   * calling `backend.generate` directly: those check and charge the budget, record `generation` events
   * and draw seeds from `rng`, while a direct call is invisible to all of it (its usage counts as 0, it
   * appears in no trace, and it is made even under `maxCalls: 0`).
   */
  readonly backend: Backend;
  /**
   * The budget of this run. Under `runStrategy` it is the run's own child budget: its charges go through to
   * the parent's, and its limits, signal and stopping are the parent's.
   */
  readonly budget: Budget;
  /** The run's seeded randomness (`solve`'s `seed`, default 0): sampling seeds, tie-breaks, resampling. */
  readonly rng: Rng;
  /** The run's clock, for trace times and the time limit (`solve`'s `clock`, default the system's). */
  readonly clock: Clock;
  /** Where the run records its trace events; `solve` returns them as `SolveResult.trace`. */
  readonly tracer: Tracer;
  /** The trace node this run hangs under (its `run-start` event under `runStrategy`). */
  readonly parentId?: string | undefined;
  /** How answers are read from solutions and compared (`solve`'s `answerFormat`, default `auto`). */
  readonly answerFormat: AnswerFormat;
  /** Renders a problem that has no `prompt` (`solve`'s `promptTemplate`; default `defaultPromptTemplate`). */
  readonly promptTemplate: PromptTemplate;
  /**
   * Sampling settings of every generation, unless a strategy or block overrides a field (`solve`'s
   * `sampling`, default none).
   */
  readonly sampling: SamplingSettings;
  /**
   * The model's cues for budget forcing and live probing (its profile's `thinkingCues`); absent: the
   * generic `defaultThinkingCues`. Strategies that take cues as options let those win.
   */
  readonly thinkingCues?: ThinkingCues | undefined;
  /** Fires when the caller aborts or the budget's deadline passes. */
  readonly signal: AbortSignal;
}

/**
 * What a strategy decided: its answer, how it got there, and why it stopped. It says nothing of what it
 * spent: `runStrategy` measures that on the run's budget.
 */
export interface StrategyOutcome {
  /** The chosen final answer; `undefined` when no candidate had one. */
  readonly answer: string | undefined;
  /** The candidate the answer came from (for voting, the best-scored member of the winning group). */
  readonly best: Candidate | undefined;
  /** Every candidate produced, in order. */
  readonly candidates: readonly Candidate[];
  /** Vote tally by answer key, for voting strategies. */
  readonly votes?: Readonly<Record<string, number>> | undefined;
  /** `complete`, a budget limit or abort that cut the plan, or `condition:<name>` for a planned early stop. */
  readonly stoppedBy: StopReason;
}

/** What running a strategy returns: its outcome and its cost account. */
export interface StrategyResult extends StrategyOutcome {
  /** True when the budget, a deadline or an abort cut the plan short: the answer is the best so far. */
  readonly partial: boolean;
  /** Usage over every call of the run (generations, and the token usage of scorers that call a model). */
  readonly usage: Usage;
  /** Scorer calls made. */
  readonly scoreCalls: number;
}

/**
 * An inference-time strategy: a small function over building blocks that returns what it chose.
 * Wrappers (early stopping, routing) take a strategy and return a strategy. Run one with `runStrategy`
 * (or `solve`), which adds the trace node and the cost account.
 */
export interface Strategy {
  /** Short name with its main parameter, e.g. `sc@8`, `bon@4`. */
  readonly name: string;
  /** Its settings, as recorded on its `run-start` event (e.g. `{ n: 8 }`). */
  readonly parameters: Readonly<Record<string, unknown>>;
  /**
   * Solutions' worth of generation it plans at once: N for sampling strategies, particles and beams; the
   * proposals per expansion for A* and ToT DFS, breadth × proposals for ToT BFS, simulations for MCTS,
   * particles × sweeps for particle Gibbs; 1 for a single sample. Servers size reservations and cost caps by it.
   * An integer ≥ 1: `solve`, `runStrategy` and the wrappers refuse a strategy without such a count, a
   * non-empty `name` or its `parameters` (an object).
   */
  readonly samples: number;
  /**
   * The most tokens, read and written over every call, a run may spend on `request`, for a strategy whose
   * calls re-read what its traces wrote (budget forcing's continuations, live probing's probes, a cascade's
   * models one after another), where `samples` × (prompt + `maxTokens`) falls short. Absent, that product
   * is the worst case. Servers check it against their per-request token cap before any call.
   */
  readonly worstCaseTokens?: ((request: CostRequest) => number) | undefined;
  /**
   * For a strategy whose steps are judged (a step-level search, an architecture with a `test` or
   * `rank-prm@K` layer): how many steps a run on `request` may have its process reward model judge at
   * most (each step once), and the longest path such a step lies on. Servers add the
   * model's worst case for one step (`ProcessRewardModel.worstCaseTokens`) for each of them to the worst
   * case they check and reserve. Absent: the strategy has no steps judged.
   */
  readonly judgedSteps?: ((request: CostRequest) => JudgedSteps) | undefined;
  /**
   * For a strategy that chooses its answer among candidates: what its choice over `candidates` (a run's
   * `StrategyOutcome.candidates`) needs said that the answer does not show, e.g. that the scores could not
   * tell the candidates apart and the first was returned, or that it fell back to a majority vote;
   * `undefined` when the choice needs no word. `runStrategy` records it as a `note` once the run ends,
   * except for a round of a wrapper that chooses over every round's candidates (`withEarlyStop`), whose
   * own run records it once over all of them. Absent: nothing to say.
   */
  readonly selectionNote?: ((candidates: readonly Candidate[]) => string | undefined) | undefined;
  /** Solves `problem` with what `context` gives; run it through `runStrategy`, which records its cost. */
  run(problem: Problem, context: StrategyContext): Promise<StrategyOutcome>;
}

/** What a strategy's worst-case cost is reckoned for, before any call (`Strategy.worstCaseTokens`). */
export interface CostRequest {
  /** Tokens of the prompt, as estimated before any call. */
  readonly promptTokens: number;
  /** The run's `maxTokens`: the most tokens one sample generates. */
  readonly maxTokens: number;
  /** The model's cues for budget forcing and live probing, as the run's context will carry them. */
  readonly thinkingCues?: ThinkingCues | undefined;
  /**
   * Characters per token of the model's tokenizer, as `promptTokens` was estimated with: what text a
   * scorer adds around a solution (an LLM judge's template) is reckoned at it. Absent: one token per
   * character.
   */
  readonly charactersPerToken?: number | undefined;
}

/**
 * What judging one step of a path is reckoned for, before any call (`ProcessRewardModel.worstCaseTokens`):
 * the judge reads the problem, the steps before the judged one and the step itself.
 */
export interface StepCostRequest {
  /** Tokens of the problem's prompt, as estimated before any call. */
  readonly promptTokens: number;
  /** The most tokens of the path up to and including the judged step (a search's solution limit). */
  readonly pathTokens: number;
  /** The most steps of that path, the judged step included. */
  readonly pathSteps: number;
  /**
   * Characters per token of the model's tokenizer, as `promptTokens` was estimated with: the judge's
   * template is reckoned at it. Absent: one token per character.
   */
  readonly charactersPerToken?: number | undefined;
}

/** The steps a strategy may have judged on a request, at most (`Strategy.judgedSteps`). */
export interface JudgedSteps {
  /** Steps judged, each once, over the whole run. */
  readonly steps: number;
  /** What judging one of them is reckoned for: the longest path a judged step lies on. */
  readonly each: StepCostRequest;
}

/**
 * A strategy that draws independent samples and chooses among them (`sc@N`, `bon@N`, `wv@N`, …): wrappers
 * such as `withEarlyStop` run it in rounds of fewer samples and choose over every round with `select`.
 */
export interface SamplingStrategy extends Strategy {
  /** The same strategy drawing `samples` solutions. */
  withSamples(samples: number): SamplingStrategy;
  /** How it chooses its answer among scored candidates; used over the candidates of several rounds. */
  readonly select: Selector;
}

/** The result of `solve()`: a strategy result plus its full trace. */
export interface SolveResult extends StrategyResult {
  /** The name of the strategy that ran (`Strategy.name`, e.g. `sc@8`). */
  readonly strategy: string;
  /** Every event the run recorded, in order; the root is the `run-start` event without a `parentId`. */
  readonly trace: readonly TraceEvent[];
  /**
   * Usage per model, by the model name each generation reports (`{ "lab-small": …, "lab-large": … }`),
   * summed over the run's generations: present when the run routed between models (a routing strategy,
   * `cascade@8:lab-small>lab-large`, even when only its first model generated) or more than one model
   * generated. Generations that report no usage are not counted.
   */
  readonly usageByModel?: Readonly<Record<string, Usage>> | undefined;
}
