/**
 * mull: inference-time compute for LLM reasoning.
 *
 * This entry is the library's public contract: `solve`, the strategies and their catalog, the backends, the
 * budget, the spec types, the errors, and the building blocks a user composes strategies from (generation,
 * scoring, selection, steps, search, process rewards, trace, telemetry). Everything else is internal and may change.
 * More entries: `mull/spec` (types), `mull/errors`, `mull/runtime` (option checks, seeded rng, clock, the
 * helpers packages built on mull use), `mull/testing` (test doubles), `mull/server`, `mull/lab`, `mull/ai-sdk`
 * (a Vercel AI SDK middleware and provider; needs the optional peer `@ai-sdk/provider`).
 *
 * To export a new name: export it from its folder's `index.ts`, then add one line to that folder's block
 * below (blocks follow the folders; `npx biome check --write` sorts the names). A name that only the other
 * workspace package needs belongs in a subpath entry (`exports` in package.json), not here. The packaging
 * test installs the packed package and checks that a consumer can import and type-check against it.
 *
 * @example
 * import { createOpenAICompatibleBackend, solve } from "mull";
 * const backend = createOpenAICompatibleBackend({ baseUrl: "http://localhost:8000/v1", model: "qwen2.5-7b" });
 * const result = await solve({ problem: "What is 17 * 23?", strategy: "sc@8", backend, budget: { maxTotalTokens: 20_000 } });
 * console.log(result.answer, result.usage, result.stoppedBy);
 */

// answers/: reading and comparing final answers.
export {
  type AnswerFormatName,
  answerFormatByName,
  answerFormatNames,
  autoAnswerFormat,
  choiceAnswerFormat,
  dateAnswerFormat,
  exactAnswerFormat,
  lastBoxed,
  mathAnswerFormat,
  numericAnswerFormat,
  textAnswerFormat,
} from "./answers/index.ts";

// backends/: OpenAI-compatible servers (the embedded engine is the package @mull/llama-cpp).
export {
  createOpenAICompatibleBackend,
  type ListServedModelsOptions,
  listServedModels,
  type OpenAICompatibleBackend,
  type OpenAICompatibleBackendOptions,
  type ServedModelList,
} from "./backends/openai-compatible/index.ts";

// budget/: the run's account and the stop conditions.
export {
  adaptiveConsistencyReached,
  addUsage,
  type CreateBudgetOptions,
  callsExceed,
  candidatesReached,
  consensusReached,
  createBudget,
  emptyUsage,
  type LeadingAnswer,
  leaderHeld,
  leadingAnswer,
  type ProbeProgress,
  type RunBudget,
  type RunProgress,
  type TokenPrice,
  tokensExceed,
  totalTokens,
  windowUnanimous,
} from "./budget/index.ts";

// errors/: one hierarchy, each with a cross-realm `isInstance`.
export {
  BackendCallError,
  BudgetExhaustedError,
  CapabilityError,
  ConfigError,
  DisposedError,
  MullError,
} from "./errors/index.ts";

// generation/: sampling candidates on a budget, and what a backend checks of a request.
export {
  type BudgetForcedSolution,
  type BudgetForcedSolutionOptions,
  budgetForcedSolution,
  type ContinueSolutionOptions,
  type ContinueSolutionResult,
  checkGenerationRequest,
  continuationPrompt,
  continueSolution,
  defaultModelProfile,
  defaultPromptTemplate,
  defaultThinkingCues,
  type ForceAnswerOptions,
  type ForceAnswerResult,
  type ForcedAnswer,
  forceAnswer,
  type GenerateRecordedOptions,
  type GenerateRecordedResult,
  generateRecorded,
  type RecordedCallOptions,
  type RecordedCompletion,
  type RecordedOutcome,
  type RequiredCapabilities,
  resolveThinkingCues,
  type SampleCandidatesOptions,
  type SampleResult,
  type SolutionPiece,
  sampleCandidates,
  withCue,
} from "./generation/index.ts";

// metrics/
export {
  areaUnderRoc,
  type Calibration,
  calibration,
  passAtK,
  type ReliabilityBin,
} from "./metrics/index.ts";
// process-rewards/: process reward models, which score partial solutions step by step.
export {
  aggregateStepRewards,
  type HttpProcessRewardOptions,
  httpProcessReward,
  type JudgeProcessRewardOptions,
  judgeProcessReward,
  type NoisyProcessRewardOptions,
  noisyProcessReward,
  type PartialSolution,
  type ProcessRewardScorerOptions,
  processRewardScorer,
  qwenMathPrmInput,
  type ScorePartialSolutionsOptions,
  type ScorePartialSolutionsResult,
  type SelfLogprobRewardOptions,
  type StepAggregation,
  scorePartialSolutions,
  selfLogprobReward,
  stepAggregations,
} from "./process-rewards/index.ts";
// prompts/: prompt templates from a JSON file or a built-in name (few-shot, system message, endpoint).
export {
  builtinPromptTemplate,
  builtinPromptTemplateNames,
  describePromptTemplate,
  type EndpointChoice,
  loadPromptTemplate,
  type NamedPromptTemplate,
  type PromptExample,
  type PromptFlags,
  type PromptTemplateSpec,
  parsePromptTemplateSpec,
  promptTemplateFromSpec,
  questionPlaceholder,
  withPromptFlags,
} from "./prompts/index.ts";

// routing/: choosing among models: routers between a small and a large model, compute allocation over a
// batch, bandit routing over a pool.
export {
  type AllocateComputeOptions,
  type AllocatedProblem,
  type AnswerAgreement,
  allocateCompute,
  answerAgreement,
  type BanditArmState,
  type BanditOutcome,
  type BanditPolicy,
  type BanditPolicyName,
  type BanditRouter,
  type BanditRouterOptions,
  type BigLittleDecoderOptions,
  banditPolicyNames,
  bigLittleDecoder,
  type CascadeOptions,
  type ComputeAllocation,
  cascade,
  createBanditRouter,
  defaultCascadeThreshold,
  type GlimpseRouterOptions,
  glimpseRouter,
  sampleBeta,
  thompsonPolicy,
  tokenEntropy,
  ucbPolicy,
} from "./routing/index.ts";

// runtime/: what a strategy context is made of (the rest of runtime/ is the entry `mull/runtime`).
export { manualClock, seededRng, systemClock } from "./runtime/index.ts";
// scoring/: outcome scorers and confidence measures.
export {
  type ConfidenceMeasure,
  confidenceThreshold,
  groupConfidences,
  type HttpRewardModelScorerOptions,
  httpRewardModelScorer,
  type InstabilityStep,
  type JudgeVerdict,
  jensenShannonDivergence,
  type LlmJudgeScorerOptions,
  type LowConfidenceCutOptions,
  latestScore,
  llmJudgeScorer,
  lowConfidenceCut,
  type ProgrammaticScorerOptions,
  parseJudgeVerdict,
  programmaticScorer,
  type ScoreCandidatesOptions,
  type ScoreCandidatesResult,
  type ScoredBatch,
  type ScoreEventFields,
  type ScoreRecordedOptions,
  type ScoreRecordedResult,
  type SelfCertaintyScoreOptions,
  type SequenceProbabilityOptions,
  type SlidingGroupConfidence,
  type StabilityScoreOptions,
  scoreCandidates,
  scoreRecorded,
  selfCertaintyScore,
  sequenceProbabilityScore,
  slidingGroupConfidence,
  stabilityScore,
  type TokenInstability,
  type TokenInstabilityOptions,
  type TraceConfidenceOptions,
  tokenConfidence,
  tokenInstability,
  tokenSelfCertainty,
  traceConfidence,
  traceSelfCertainty,
} from "./scoring/index.ts";

// search/: step-level search strategies and the kit they are written with.
export {
  type AStarDecodingOptions,
  aStarDecoding,
  type BeamSearchOptions,
  beamSearch,
  createSearchRun,
  type DiverseVerifierTreeSearchOptions,
  diverseVerifierTreeSearch,
  type ExpandRequest,
  type FinalSelection,
  type MonteCarloTreeSearchOptions,
  monteCarloTreeSearch,
  type ParticleFilterOptions,
  type ParticleGibbsOptions,
  particleFilter,
  particleGibbs,
  type SearchChoice,
  type SearchNode,
  type SearchOptions,
  type SearchRun,
  type TreeOfThoughtsBfsOptions,
  type TreeOfThoughtsDfsOptions,
  treeOfThoughtsBfs,
  treeOfThoughtsDfs,
} from "./search/index.ts";

// selection/: votes, weights and picks over candidates.
export {
  type ArgmaxByScoreOptions,
  argmaxByScore,
  type BordaVoteOptions,
  bordaVote,
  type CandidateWeight,
  type ConfidenceFilteredVoteOptions,
  canonicalArguments,
  confidenceFilteredVote,
  isToolCallAnswer,
  type MajorityVoteOptions,
  majorityVote,
  type PerplexityConsistencyVoteOptions,
  perplexityConsistencyVote,
  probabilityWeight,
  pruneReasoningPaths,
  type ResamplingMethod,
  resample,
  scoreWeight,
  softmaxWeights,
  type TieBreak,
  type ToolCallDecision,
  type TopKOptions,
  type TopKResult,
  tallyAnswers,
  toolCallAnswer,
  toolCallAnswerPrefix,
  toolCallDecision,
  topK,
  type WeightedVoteOptions,
  weightedVote,
  withToolCallKeys,
} from "./selection/index.ts";

// solve
export { type SolveOptions, solve } from "./solve.ts";

// spec/: the contracts (types only; also the entry `mull/spec`).
export type {
  AnswerFormat,
  Backend,
  BackendCapabilities,
  BackendDescription,
  Budget,
  BudgetLimits,
  BudgetSpent,
  CallOptions,
  Candidate,
  ChatMessage,
  Clock,
  Completion,
  DistributiveOmit,
  FinishReason,
  GenerationEvent,
  GenerationRequest,
  GenerationResult,
  ModelProfile,
  NoteEvent,
  OutcomeScorer,
  Problem,
  ProcessRewardModel,
  ProcessScore,
  Prompt,
  PromptTemplate,
  Rng,
  RunEndEvent,
  RunStartEvent,
  SamplingSettings,
  SamplingStrategy,
  Score,
  ScoreBatch,
  ScoredSolution,
  ScoreEvent,
  ScoreKind,
  ScoreRequest,
  ScoreResult,
  SelectionContext,
  SelectionEvent,
  Selector,
  SolveResult,
  StopCondition,
  StopReason,
  Strategy,
  StrategyContext,
  StrategyOutcome,
  StrategyResult,
  ThinkingCues,
  TokenLogprob,
  TokenVerdict,
  TokenWatcher,
  ToolCall,
  TopLogprob,
  TraceEvent,
  TraceEventBase,
  TraceEventInput,
  Tracer,
  Usage,
  VoteEvent,
  VoteResult,
} from "./spec/index.ts";

// steps/: one reasoning step at a time, for step-level strategies.
export {
  createStepCostMeter,
  defaultStepFormat,
  type ExtendEachOneStepOptions,
  type ExtendEachOneStepResult,
  type ExtendOneStepOptions,
  type ExtendOneStepResult,
  extendEachOneStep,
  extendOneStep,
  joinSteps,
  type PartialToExtend,
  type StepCostMeter,
  type StepExtension,
  type StepFormat,
  type StepFormatOptions,
  splitSteps,
  stepFormat,
  stepPrompt,
} from "./steps/index.ts";

// strategies/: the strategies, their catalog and runner, and wrappers over them.
export {
  type AdaptiveConsistencyOptions,
  adaptiveConsistency,
  type BestOfNOptions,
  type BudgetForcingOptions,
  bestOfN,
  budgetForcing,
  type DeepConfOnlineOptions,
  type DeepConfOptions,
  deepConf,
  deepConfOnline,
  type EarlyStoppingConsistencyOptions,
  earlyStoppingConsistency,
  findStrategyEntry,
  type LiveProbingOptions,
  liveProbing,
  type NamedBackend,
  type ParallelAdaptiveConsistencyOptions,
  type ParseStrategySpecOptions,
  type PerplexityConsistencyOptions,
  parallelAdaptiveConsistency,
  parseStrategySpec,
  perplexityConsistency,
  type RepeatedSamplingOptions,
  type RunStrategyOptions,
  repeatedSampling,
  runStrategy,
  type SelfCertaintyOptions,
  type SelfConsistencyOptions,
  type SingleSampleOptions,
  type SpecMatch,
  type SpecValues,
  type StrategyDependencies,
  type StrategyEntry,
  type StrategyNeed,
  selfCertainty,
  selfConsistency,
  singleSample,
  strategyCatalog,
  strategySpecForms,
  type WeightedVotingOptions,
  type WithEarlyStopOptions,
  weightedVoting,
  withEarlyStop,
} from "./strategies/index.ts";

// telemetry/: OpenTelemetry spans (no-ops without a registered tracer provider).
export { mullTracer, tracerName, type WithSpanOptions, withSpan } from "./telemetry/index.ts";

// trace/
export { createTracer, type TraceNode, traceToTree, usageByModel } from "./trace/index.ts";
