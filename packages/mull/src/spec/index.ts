export type { AnswerFormat } from "./answer.ts";
export type {
  Backend,
  BackendCapabilities,
  BackendDescription,
  CallOptions,
  EngineRates,
  ModelArchitecture,
  ServerSamplingDefaults,
  TokenVerdict,
  TokenWatcher,
} from "./backend.ts";
export type {
  Budget,
  BudgetLimits,
  BudgetReservation,
  BudgetSpent,
  StopCondition,
  StopReason,
  TokenPrice,
} from "./budget.ts";
export type { Candidate } from "./candidate.ts";
export type {
  ChatMessage,
  Completion,
  FinishReason,
  GenerationRequest,
  GenerationResult,
  Prompt,
  ScoreRequest,
  ScoreResult,
  TokenLogprob,
  ToolCall,
  TopLogprob,
} from "./generation.ts";
export type { ModelProfile } from "./model-profile.ts";
export type { Problem, PromptTemplate } from "./problem.ts";
export type { Clock, Rng } from "./randomness.ts";
export type { Score, ScoreKind } from "./score.ts";
export type {
  ModelJudge,
  OutcomeScorer,
  ProcessRewardModel,
  ProcessScore,
  ScoreBatch,
  ScoredSolution,
} from "./scorer.ts";
export type { SelectionContext, Selector, VoteResult } from "./selection.ts";
export type {
  CostRequest,
  JudgedSteps,
  SamplingSettings,
  SamplingStrategy,
  SolveResult,
  StepCostRequest,
  Strategy,
  StrategyContext,
  StrategyOutcome,
  StrategyResult,
} from "./strategy.ts";
export type { ThinkingCues } from "./thinking-cues.ts";
export type {
  DistributiveOmit,
  GenerationEvent,
  NoteEvent,
  RunEndEvent,
  RunStartEvent,
  ScoreEvent,
  SelectionEvent,
  TraceEvent,
  TraceEventBase,
  TraceEventInput,
  Tracer,
  VoteEvent,
} from "./trace.ts";
export type { Usage } from "./usage.ts";
