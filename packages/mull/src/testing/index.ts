/**
 * Test doubles, public so users can test code built on mull: a scripted backend that records its calls,
 * a fake OpenAI-compatible server on loopback with scriptable faults, a strategy context over a fresh
 * budget with a seeded rng and a manual clock, and a synthetic bench run (typed `RunData`, like a recorded
 * one) for reports and metrics.
 */

export type {
  MachineDescription,
  ProblemResult,
  RoutedModel,
  RunData,
  RunManifest,
  RunProblem,
  RunRoutes,
  RunWorker,
  SampleRecord,
} from "../bench/run-data.ts";
export {
  type FakeChoice,
  type FakeCompletionReply,
  type FakeDelivery,
  type FakeErrorReply,
  type FakeFaultReply,
  type FakeGenerationCounts,
  type FakeHandler,
  type FakeOpenAIRequest,
  type FakeOpenAIServer,
  type FakeOpenAIServerOptions,
  type FakeReply,
  startFakeOpenAIServer,
} from "./fake-openai-server.ts";
export { type ForcedSampling, withForcedSampling } from "./forced-sampling-backend.ts";
export {
  createLockstepBackend,
  type LockstepBackend,
  type LockstepBackendOptions,
} from "./lockstep-backend.ts";
export {
  createScriptedBackend,
  type ScriptedAnswers,
  type ScriptedBackend,
  type ScriptedBackendOptions,
  type ScriptedCall,
  type ScriptedCompletion,
  type ScriptedResponder,
} from "./scripted-backend.ts";
export { type ScriptedThinkingOptions, scriptedThinking } from "./scripted-thinking.ts";
export { type SyntheticRunOptions, syntheticRun } from "./synthetic-run.ts";
export {
  type TestStrategyContext,
  type TestStrategyContextOptions,
  testStrategyContext,
} from "./test-strategy-context.ts";
