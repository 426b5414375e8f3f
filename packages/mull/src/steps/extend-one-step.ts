import type { CompletionTokenCap } from "../budget/index.ts";
import {
  generateRecorded,
  mergeSampling,
  promptCharacters,
  promptCharges,
  promptTokens,
  type RecordedCallOptions,
  type RecordedOutcome,
  type RequiredCapabilities,
} from "../generation/index.ts";
import type {
  BackendCapabilities,
  FinishReason,
  Problem,
  Prompt,
  SamplingSettings,
  TokenWatcher,
} from "../spec/index.ts";
import type { StepCostMeter } from "./step-cost-meter.ts";
import { defaultStepFormat, type StepFormat } from "./step-format.ts";
import { stepPrompt } from "./step-prompt.ts";

/** Options of `extendOneStep`. */
export interface ExtendOneStepOptions extends RecordedCallOptions {
  /** The problem the partial solution answers. */
  readonly problem: Problem;
  /** The partial solution's steps so far (empty to write the first step). */
  readonly steps: readonly string[];
  /** How many next steps to sample. */
  readonly n: number;
  /** Trace node of the partial solution (its last step's generation); default `context.parentId`. */
  readonly parentId?: string | undefined;
  /** How steps are delimited and written into the prompt; default one per line, `####` final. */
  readonly format?: StepFormat | undefined;
  /** Overrides of `context.sampling`; `maxTokens` bounds one step (default 256). */
  readonly sampling?: SamplingSettings | undefined;
  /** The run's cost meter, to size the call against the budget and to learn from it. */
  readonly meter?: StepCostMeter | undefined;
  /** The problem's prompt; default `problem.prompt`, else `context.promptTemplate(problem)`. */
  readonly prompt?: Prompt | undefined;
  /** Seed of the call; default one drawn from `context.rng` (drawn before any wait, so order is fixed). */
  readonly seed?: number | undefined;
  /** Ask for this many top alternatives per token (implies `logprobs`). */
  readonly topLogprobs?: number | undefined;
  /**
   * Watches each sampled step's tokens and may cut it (`CallOptions.watch`; needs `watchTokens`): a cut
   * step comes back with finish reason `cut` and the tokens generated up to the cut counted.
   */
  readonly watch?: TokenWatcher | undefined;
  /**
   * This call's share of the tokens left, where the caller shares them among calls it runs at once
   * (`generateRecorded`'s `budgetShare`): no step asks more, and one that runs into it was cut by the budget.
   */
  readonly budgetShare?: CompletionTokenCap | undefined;
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
  /**
   * How the step's generation ended: `stop` (the delimiter or the end), `length` (its token limit), `cut`, …
   */
  readonly finishReason: FinishReason;
  /** Tokens generated for this step, when reported. */
  readonly completionTokens: number | undefined;
  /** Sum and mean of the step's token log-probabilities, when asked for and returned. */
  readonly logprob?: number | undefined;
  /** Mean token log-probability of the step (≤ 0), when asked for and returned. */
  readonly meanLogprob?: number | undefined;
}

/** What `extendOneStep` produced and why it stopped. */
export interface ExtendOneStepResult extends RecordedOutcome {
  /** The sampled next steps (fewer than `n`, or none, when the budget or an abort cut the call). */
  readonly extensions: readonly StepExtension[];
}

const defaultStepTokens = 256;

/** What continuing this kind of prompt's prefix needs of the backend. */
function stepCapabilities(prompt: Prompt): RequiredCapabilities {
  return prompt.kind === "text"
    ? {
        capabilities: ["completion"],
        requiredBy: "step-level search (continuing a text prompt plus the steps so far by one step)",
      }
    : {
        capabilities: ["chat", "continuePrefix"],
        requiredBy:
          "step-level search (continuing a partial assistant message by one step, continueFinalMessage)",
      };
}

/**
 * Extends a partial solution by exactly one step, `n` times: the prompt is the problem's prompt plus the
 * steps so far (`stepPrompt`: a text prefix, or a final assistant message continued with
 * `continueFinalMessage`), and generation stops at the step delimiter. Each sampled step is recorded as a
 * `generation` event with `step` (its index in the solution, from 0) under `parentId`, so the search tree
 * is in the trace; the call is charged to the budget (and the meter).
 *
 * It never starts a call the budget cannot afford (its prompt by `promptTokens`, counted where the backend
 * can, else by the meter's tokens per character when given; its steps by the meter's estimates); when the
 * budget, the deadline or the caller's signal stops it, it returns what it has with the reason in
 * `stoppedBy`. A step that holds the final marker, or an empty step (the model wrote nothing more), is
 * `final`.
 *
 * @throws CapabilityError when the backend cannot continue a prefix of this kind of prompt (a text prompt
 * needs `completion`; a chat prompt needs `chat` and `continuePrefix`).
 * @example
 * const first = await extendOneStep({ problem, steps: [], n: 4, context });
 * const [best] = first.extensions; // none when a budget cut the call
 * if (best !== undefined) {
 *   const next = await extendOneStep({ problem, steps: best.steps, parentId: best.id, n: 4, context });
 * }
 */
export async function extendOneStep(options: ExtendOneStepOptions): Promise<ExtendOneStepResult> {
  const { problem, steps, n, context } = options;
  const format = options.format ?? defaultStepFormat;
  const parentId = options.parentId ?? context.parentId;
  const base = options.prompt ?? problem.prompt ?? context.promptTemplate(problem);
  const prompt = stepPrompt(base, steps, format);
  const sampling = mergeSampling(context.sampling, options.sampling);
  const characters = promptCharacters(prompt);
  // Drawn before counting the prompt, so that concurrent calls draw seeds in the order they were started.
  const seed = options.seed ?? context.rng.nextSeed();
  const counted = await promptTokens(context, prompt);
  // As the call's plan saw them: the meter learns from its usage by the same rule it was sized by.
  let planned: BackendCapabilities | undefined;
  const call = await generateRecorded({
    context,
    prompt,
    n,
    parentId,
    seed,
    logprobs: options.logprobs,
    topLogprobs: options.topLogprobs,
    watch: options.watch,
    sampling: {
      ...sampling,
      maxTokens: sampling.maxTokens ?? defaultStepTokens,
      stop: [format.delimiter, ...(sampling.stop ?? []).filter((stop) => stop !== format.delimiter)],
    },
    requires: stepCapabilities(prompt),
    budgetShare: options.budgetShare,
    plan: (capabilities) => {
      planned = capabilities;
      const calls = capabilities.n ? 1 : n;
      const metered = options.meter?.plan([characters], n, capabilities);
      // A counted prompt is exact; else the meter's tokens per character, learnt from earlier calls.
      if (metered !== undefined && !counted.counted) return metered;
      return {
        ...metered,
        calls,
        completions: n,
        promptTokens: promptCharges(capabilities, n) * counted.tokens,
      };
    },
    step: steps.length,
    dropAborted: true,
  });
  if (call.returned > 0 && planned !== undefined) {
    options.meter?.observe(characters, call.usage, call.returned, planned);
  }
  const extensions = call.completions.map((completion): StepExtension => {
    const step = completion.text.trim();
    return {
      id: completion.id,
      parentId,
      step,
      steps: [...steps, step],
      final: step.length === 0 || format.isFinal(step),
      finishReason: completion.finishReason,
      completionTokens: completion.tokenCount,
      logprob: completion.logprob,
      meanLogprob: completion.meanLogprob,
    };
  });
  return { extensions, stoppedBy: call.stoppedBy, usage: call.usage };
}
