import { budgetShortfall, emptyUsage } from "../budget/index.ts";
import { BackendCallError, CapabilityError } from "../errors/index.ts";
import type {
  BackendCapabilities,
  FinishReason,
  GenerationRequest,
  GenerationResult,
  Problem,
  Prompt,
  SamplingSettings,
  StopReason,
  StrategyContext,
  Usage,
} from "../spec/index.ts";
import type { StepCostMeter } from "./step-cost-meter.ts";
import { defaultStepFormat, type StepFormat } from "./step-format.ts";
import { stepPrompt } from "./step-prompt.ts";

/** Options of `extendOneStep`. */
export interface ExtendOneStepOptions {
  readonly problem: Problem;
  /** The partial solution's steps so far (empty to write the first step). */
  readonly steps: readonly string[];
  /** How many next steps to sample. */
  readonly n: number;
  readonly context: StrategyContext;
  /** Trace node of the partial solution (its last step's generation); default `context.parentId`. */
  readonly parentId?: string | undefined;
  /** How steps are delimited and written into the prompt; default one per line, `####` final. */
  readonly format?: StepFormat | undefined;
  /** Overrides of `context.sampling`; `maxTokens` bounds one step (default 256). */
  readonly sampling?: SamplingSettings | undefined;
  /** Ask for per-token log-probabilities of each step. */
  readonly logprobs?: boolean | undefined;
  /** The run's cost meter, to size the call against the budget and to learn from it. */
  readonly meter?: StepCostMeter | undefined;
  /** The problem's prompt; default `problem.prompt`, else `context.promptTemplate(problem)`. */
  readonly prompt?: Prompt | undefined;
  /** Seed of the call; default one drawn from `context.rng` (drawn before any wait, so order is fixed). */
  readonly seed?: number | undefined;
}

/** One sampled next step of a partial solution. */
export interface StepExtension {
  /** Trace id of the generation event that wrote the step. */
  readonly id: string;
  /** Trace id of the partial solution it extends. */
  readonly parentId: string | undefined;
  /** The step, trimmed. */
  readonly step: string;
  /** The partial solution's steps followed by this one. */
  readonly steps: readonly string[];
  /** The step is the solution's last: it holds the final marker, or the model wrote nothing more. */
  readonly final: boolean;
  readonly finishReason: FinishReason;
  /** Tokens generated for this step, when reported. */
  readonly completionTokens: number | undefined;
  /** Sum and mean of the step's token log-probabilities, when asked for and returned. */
  readonly logprob?: number | undefined;
  readonly meanLogprob?: number | undefined;
}

/** What `extendOneStep` produced and why it stopped. */
export interface ExtendOneStepResult {
  /** The sampled next steps (fewer than `n`, or none, when the budget or an abort cut the call). */
  readonly extensions: readonly StepExtension[];
  /** `complete`, or the limit that prevented or cut the call. */
  readonly stoppedBy: StopReason;
  readonly usage: Usage;
}

const defaultStepTokens = 256;

function promptCharacters(prompt: Prompt): number {
  return prompt.kind === "text"
    ? prompt.text.length
    : prompt.messages.reduce((sum, message) => sum + message.content.length, 0);
}

/** Throws a `CapabilityError` when the backend cannot continue this kind of prompt's prefix. */
function checkStepCapabilities(
  capabilities: BackendCapabilities,
  prompt: Prompt,
  backend: { readonly kind: string; readonly model: string },
): void {
  const who = `the ${backend.kind} backend (${backend.model})`;
  if (prompt.kind === "text" && !capabilities.completion) {
    throw new CapabilityError(
      "completion",
      "step-level search (continuing a text prompt plus the steps so far by one step)",
      who,
    );
  }
  if (prompt.kind === "chat" && !(capabilities.chat && capabilities.continuePrefix)) {
    throw new CapabilityError(
      capabilities.chat ? "continuePrefix" : "chat",
      "step-level search (continuing a partial assistant message by one step, continueFinalMessage)",
      who,
    );
  }
}

/**
 * Extends a partial solution by exactly one step, `n` times: the prompt is the problem's prompt plus the
 * steps so far (`stepPrompt`: a text prefix, or a final assistant message continued with
 * `continueFinalMessage`), and generation stops at the step delimiter. Each sampled step is recorded as a
 * `generation` event with `step` (its index in the solution, from 0) under `parentId`, so the search tree
 * is in the trace; the call is charged to the budget (and the meter).
 *
 * It never starts a call the budget cannot afford (sized by the meter's estimates when given); when the
 * budget, the deadline or the caller's signal stops it, it returns what it has with the reason in
 * `stoppedBy`. A step that holds the final marker, or an empty step (the model wrote nothing more), is
 * `final`.
 *
 * @throws CapabilityError when the backend cannot continue a prefix of this kind of prompt (a text prompt
 * needs `completion`; a chat prompt needs `chat` and `continuePrefix`).
 * @example
 * const first = await extendOneStep({ problem, steps: [], n: 4, context });
 * const next = await extendOneStep({
 *   problem,
 *   steps: first.extensions[0].steps,
 *   parentId: first.extensions[0].id,
 *   n: 4,
 *   context,
 * });
 */
export async function extendOneStep(options: ExtendOneStepOptions): Promise<ExtendOneStepResult> {
  const { problem, steps, n, context } = options;
  const { backend, budget, tracer } = context;
  // Drawn first, before any wait, so that concurrent extensions draw seeds in the order they were started.
  const seed = options.seed ?? context.rng.nextSeed();
  const format = options.format ?? defaultStepFormat;
  const parentId = options.parentId ?? context.parentId;
  const base = options.prompt ?? problem.prompt ?? context.promptTemplate(problem);
  const prompt = stepPrompt(base, steps, format);
  const sampling: SamplingSettings = { ...context.sampling, ...definedOnly(options.sampling) };
  const capabilities = await backend.capabilities({ signal: context.signal });
  checkStepCapabilities(capabilities, prompt, backend.describe());
  const characters = promptCharacters(prompt);
  const plan = options.meter?.plan([characters], n, capabilities.n) ?? {
    calls: capabilities.n ? 1 : n,
    completions: n,
  };
  const shortfall = budgetShortfall(budget, plan);
  if (shortfall !== undefined) return { extensions: [], stoppedBy: shortfall, usage: emptyUsage };
  const request: GenerationRequest = {
    prompt,
    n,
    temperature: sampling.temperature,
    topP: sampling.topP,
    topK: sampling.topK,
    minP: sampling.minP,
    maxTokens: sampling.maxTokens ?? defaultStepTokens,
    stop: [format.delimiter, ...(sampling.stop ?? []).filter((stop) => stop !== format.delimiter)],
    seed,
    ...(options.logprobs === true ? { logprobs: true } : {}),
  };
  let result: GenerationResult;
  try {
    result = await backend.generate(request, { signal: context.signal });
  } catch (error) {
    if (!context.signal.aborted) throw error;
    return { extensions: [], stoppedBy: budgetShortfall(budget, {}) ?? "abort", usage: emptyUsage };
  }
  if (result.completions.length === 0) {
    throw new BackendCallError(`${backend.describe().kind} backend returned no completions for n=${n}`);
  }
  budget.charge(result.usage);
  options.meter?.observe(characters, result.usage, result.completions.length);
  // A completion cut by an abort is not a step.
  const kept = result.completions.filter((completion) => completion.finishReason !== "abort");
  const extensions = kept.map((completion, position): StepExtension => {
    const step = completion.text.trim();
    const tokens = completion.tokens;
    const logprob =
      tokens !== undefined && tokens.length > 0
        ? tokens.reduce((sum, token) => sum + token.logprob, 0)
        : undefined;
    const meanLogprob = logprob === undefined || tokens === undefined ? undefined : logprob / tokens.length;
    const id = tracer.record({
      type: "generation",
      parentId,
      text: completion.text,
      finishReason: completion.finishReason,
      completionTokens: completion.completionTokens,
      logprob,
      meanLogprob,
      model: result.model,
      step: steps.length,
      ...(position === 0 ? { usage: result.usage } : {}),
    });
    return {
      id,
      parentId,
      step,
      steps: [...steps, step],
      final: step.length === 0 || format.isFinal(step),
      finishReason: completion.finishReason,
      completionTokens: completion.completionTokens ?? tokens?.length,
      logprob,
      meanLogprob,
    };
  });
  const cut = kept.length < result.completions.length;
  return {
    extensions,
    stoppedBy: cut ? (budgetShortfall(budget, {}) ?? "abort") : "complete",
    usage: result.usage,
  };
}

function definedOnly(settings: SamplingSettings | undefined): SamplingSettings {
  if (settings === undefined) return {};
  return Object.fromEntries(
    Object.entries(settings).filter(([, value]) => value !== undefined),
  ) as SamplingSettings;
}
