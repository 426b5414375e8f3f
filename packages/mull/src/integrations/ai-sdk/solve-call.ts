import type {
  LanguageModelV4CallOptions,
  LanguageModelV4FinishReason,
  LanguageModelV4GenerateResult,
  LanguageModelV4Prompt,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
  LanguageModelV4Usage,
  SharedV4ProviderMetadata,
} from "@ai-sdk/provider";
import { z } from "zod";
import { createBudget } from "../../budget/index.ts";
import { BudgetExhaustedError, ConfigError } from "../../errors/index.ts";
import { parseOptions, systemClock } from "../../runtime/index.ts";
import { type SolveOptions, solve, solveSettings } from "../../solve.ts";
import type { Backend, SamplingSettings, SolveResult, Usage } from "../../spec/index.ts";
import {
  type ParseStrategySpecOptions,
  parseStrategySpec,
  refuseUnusedRoute,
} from "../../strategies/index.ts";
import { type CallPromptTemplate, problemFromPrompt } from "./prompt-messages.ts";
import { withRunProblem } from "./run-problem-strategy.ts";

/**
 * How mull answers an AI SDK call: the strategy (`sc@8`, `bon@4`, a `Strategy`, …) and the other
 * options of `solve` but the problem, the backend and the signal, which come from the call. The call's
 * own temperature, topP, topK, maxOutputTokens and stopSequences win over `sampling`; `seed` defaults
 * to the call's seed, then 0. A `promptTemplate` renders the last user message as the model's prompt; so
 * does the profile's (the lab's `Q: … A:`) for a backend that takes no chat (a model without a chat
 * template, as the embedded lab models). Otherwise the call's messages are sent as they are.
 */
export type MullCallSettings = Omit<SolveOptions, "problem" | "backend" | "signal">;

/**
 * `MullCallSettings` as a strict schema: `solve`'s own, less the options a call supplies, so that
 * `mullMiddleware` and `createMullProvider` refuse a key `solve` would refuse, or one the call supplies,
 * when they are called rather than at the first call, listing only the keys they take.
 */
export const mullCallSettings = solveSettings.omit({
  problem: true,
  backend: true,
  signal: true,
} satisfies Record<Exclude<keyof SolveOptions, keyof MullCallSettings>, true>);

/**
 * Checks the settings' budget as `solve` will at each call (`createBudget`'s own check: a limit that is
 * not a number ≥ 0, an unknown limit such as `maxTotalToken`, a money limit without prices), so that a
 * typo is refused where the model is made.
 *
 * @throws ConfigError from `createBudget`, naming the limit
 * (`createBudget: budget.maxTotalToken: unknown key (budget takes maxTotalTokens, …)`).
 * @example
 * checkCallBudget({ budget: { maxTotalTokens: 20_000 } });
 */
export function checkCallBudget(settings: Pick<MullCallSettings, "budget" | "clock" | "price">): void {
  createBudget(settings.budget ?? {}, {
    clock: settings.clock ?? systemClock(),
    price: settings.price,
  }).close();
}

/** The settings' prompt template as `solve` reads it (a built-in name, a loaded template or a function). */
const promptTemplateSetting = z.strictObject({ promptTemplate: mullCallSettings.shape.promptTemplate });

/**
 * The settings' own `promptTemplate` as `solve` reads it (a built-in name, a loaded template or a
 * function); `undefined` when they give none.
 *
 * @throws ConfigError for a `promptTemplate` `solve` would refuse.
 */
function givenPromptTemplate(settings: MullCallSettings): CallPromptTemplate | undefined {
  if (settings.promptTemplate === undefined) return undefined;
  const { promptTemplate } = parseOptions(
    promptTemplateSetting,
    { promptTemplate: settings.promptTemplate },
    "mull ai-sdk",
  );
  return promptTemplate === undefined ? undefined : { render: promptTemplate };
}

/** What `solve` runs for a call: the problem, the strategy and the route. */
type CallRun = Pick<SolveOptions, "problem" | "strategy" | "route">;

/**
 * The problem of a call, and the strategy that solves it. With the settings' `promptTemplate`, the last
 * user message is the question it renders; without a template, the call's messages are sent as they are.
 * With their profile's template only, whether the backend takes chat decides (a lab model, without a chat
 * template, takes none, and `mull serve` prompts it the same way): the backend's `capabilities` are asked
 * once the run has started (`withRunProblem`), so that a capability probe is traced under `mull.solve`, as
 * `solve`'s own are; the strategy is then built here as `solve` builds it, the route given to it.
 *
 * @throws ConfigError for a `promptTemplate` `solve` would refuse, a prompt it cannot take (see
 * `problemFromPrompt`), a route the strategy would not use, a strategy spec `parseStrategySpec` refuses.
 */
function callRun(prompt: LanguageModelV4Prompt, settings: MullCallSettings, backend: Backend): CallRun {
  const given = givenPromptTemplate(settings);
  const render = settings.profile?.promptTemplate;
  const { strategy, route } = settings;
  if (given !== undefined || render === undefined) {
    return { problem: problemFromPrompt(prompt, given), strategy, route };
  }
  const chat = problemFromPrompt(prompt);
  refuseUnusedRoute({ owner: "mull ai-sdk", strategy, route, catalog: settings.catalog });
  const inner =
    typeof strategy === "string" ? parseStrategySpec(strategy, strategySpecOptions(settings)) : strategy;
  const template: CallPromptTemplate = { render, answers: settings.profile?.answers };
  return {
    problem: chat,
    // A backend that takes the chat gets it as it is: the profile then brings its scorers, cues and sampling.
    strategy: withRunProblem(inner, async (_problem, context) =>
      (await backend.capabilities({ signal: context.signal })).chat
        ? chat
        : problemFromPrompt(prompt, template),
    ),
    route: undefined,
  };
}

/** What `parseStrategySpec` reads a spec with, as `solve` gives it: the settings', else their profile's. */
function strategySpecOptions(settings: Omit<MullCallSettings, "strategy">): ParseStrategySpecOptions {
  return {
    scorer: settings.scorer ?? settings.profile?.outcomeScorer,
    prm: settings.prm ?? settings.profile?.processReward,
    resolveModel: settings.resolveModel,
    defaultRoute: settings.route,
    catalog: settings.catalog,
  };
}

/**
 * Builds the strategy a spec names as `solve` will at each call, with the settings' scorer and process
 * reward model (or their profile's), `resolveModel`, `route` and `catalog`, so that a bad spec, or one
 * missing what it needs, is refused where the model is made.
 *
 * @throws ConfigError from `parseStrategySpec`, naming the spec.
 * @example
 * checkCallStrategy("bon@4", { profile: labProfile() }); // the profile's outcome scorer serves bon@4
 */
export function checkCallStrategy(spec: string, settings: Omit<MullCallSettings, "strategy">): void {
  parseStrategySpec(spec, strategySpecOptions(settings));
}

function callSampling(params: LanguageModelV4CallOptions, defaults: SamplingSettings): SamplingSettings {
  return {
    ...defaults,
    ...(params.temperature === undefined ? {} : { temperature: params.temperature }),
    ...(params.topP === undefined ? {} : { topP: params.topP }),
    ...(params.topK === undefined ? {} : { topK: params.topK }),
    ...(params.maxOutputTokens === undefined ? {} : { maxTokens: params.maxOutputTokens }),
    ...(params.stopSequences === undefined ? {} : { stop: params.stopSequences }),
  };
}

/** The options of an AI SDK call that are neither the prompt, sampling, seed, signal nor tools. */
export type PassedCallOptions = Omit<
  LanguageModelV4CallOptions,
  | "prompt"
  | "temperature"
  | "topP"
  | "topK"
  | "maxOutputTokens"
  | "stopSequences"
  | "seed"
  | "abortSignal"
  | "tools"
  | "toolChoice"
  | "includeRawChunks"
>;

/**
 * Runs `solve` for one AI SDK call: the call's messages are the problem's prompt (text only; with a
 * prompt template, the settings' or, for a backend that takes no chat, the profile's, the last user
 * message is the question it renders), the backend is `backendFor` the call's other options (headers,
 * provider options, …, which an AI SDK model's backend passes along), and the call's abort signal aborts
 * the run, which then returns its best so far. Whether the backend takes chat, where the profile's template
 * depends on it, is asked inside the run: a capability probe is a span under `mull.solve`, in its trace.
 *
 * Aborts: when the call's `abortSignal` fired and the run has nothing to return, the call rejects with the
 * signal's reason (the `AbortError` or `TimeoutError` `DOMException` of `AbortSignal.abort()` and
 * `AbortSignal.timeout()`), as any AI SDK model does, so that the AI SDK's own abort handling applies
 * (`streamText`'s `onAbort`, …). A run cut by mull's own budget (`maxMilliseconds`, `maxTotalTokens`, …)
 * before any answer rejects with `BudgetExhaustedError`, which carries what was spent.
 *
 * @throws ConfigError for tools in the call, a prompt part that is not text or a question the template
 * refuses; the abort signal's reason; whatever `solve` throws.
 * @example
 * const result = await solveCall(params, { strategy: "sc@8" }, (passed) => createAISDKBackend(model, { callOptions: passed }));
 */
export async function solveCall(
  params: LanguageModelV4CallOptions,
  settings: MullCallSettings,
  backendFor: (passed: PassedCallOptions) => Backend,
): Promise<SolveResult> {
  const {
    prompt,
    temperature: _temperature,
    topP: _topP,
    topK: _topK,
    maxOutputTokens: _maxOutputTokens,
    stopSequences: _stopSequences,
    seed,
    abortSignal,
    tools,
    toolChoice: _toolChoice,
    includeRawChunks: _includeRawChunks,
    ...passed
  } = params;
  if (tools !== undefined && tools.length > 0) {
    throw new ConfigError(
      `mull ai-sdk: tools: expected none (mull strategies answer in text), got ${tools.length}`,
      { field: "tools" },
    );
  }
  const backend = backendFor(passed);
  const run = callRun(prompt, settings, backend);
  try {
    return await solve({
      ...settings,
      ...run,
      backend,
      seed: settings.seed ?? seed ?? 0,
      sampling: callSampling(params, settings.sampling ?? {}),
      signal: abortSignal,
    });
  } catch (error) {
    // The caller's abort, not a limit of mull's, cut the run before any answer: said as any model says it.
    if (abortSignal?.aborted === true && BudgetExhaustedError.isInstance(error) && error.reason === "abort") {
      throw abortSignal.reason;
    }
    throw error;
  }
}

/** mull's usage as the AI SDK's: input and output totals, cached input where known. */
export function toLanguageModelUsage(usage: Usage): LanguageModelV4Usage {
  const cached = usage.cachedPromptTokens;
  const prompt = usage.promptTokens;
  return {
    inputTokens: {
      total: prompt,
      noCache: prompt === undefined ? undefined : prompt - (cached ?? 0),
      cacheRead: cached,
      cacheWrite: undefined,
    },
    outputTokens: { total: usage.completionTokens, text: undefined, reasoning: undefined },
    raw: { calls: usage.calls },
  };
}

/** The chosen text: the best candidate's, else (no candidate had an answer) the first candidate's. */
export function chosenText(result: SolveResult): string {
  return (result.best ?? result.candidates[0])?.text ?? "";
}

function finishReasonOf(result: SolveResult): LanguageModelV4FinishReason {
  const reason = (result.best ?? result.candidates[0])?.finishReason ?? "unknown";
  return {
    unified: reason === "stop" || reason === "length" ? reason : "other",
    raw: reason,
  };
}

/**
 * What mull adds to the call's `providerMetadata.mull`: the strategy, the chosen answer (`null` when
 * none), the vote tally (`null` for strategies that do not vote), the number of samples, why the run
 * stopped and whether the budget or an abort cut it.
 */
export function mullMetadata(result: SolveResult): SharedV4ProviderMetadata {
  return {
    mull: {
      strategy: result.strategy,
      answer: result.answer ?? null,
      votes: result.votes === undefined ? null : { ...result.votes },
      samples: result.candidates.length,
      stoppedBy: result.stoppedBy,
      partial: result.partial,
    },
  };
}

/** A run as the AI SDK's generate result: the chosen text, the run's whole usage, mull's metadata. */
export function toGenerateResult(result: SolveResult, modelId: string): LanguageModelV4GenerateResult {
  return {
    content: [{ type: "text", text: chosenText(result) }],
    finishReason: finishReasonOf(result),
    usage: toLanguageModelUsage(result.usage),
    providerMetadata: mullMetadata(result),
    response: { modelId },
    warnings: [],
  };
}

/**
 * A run as the AI SDK's stream result: the chosen text in one text block (start, one delta, end), then
 * `finish` with the run's usage and mull's metadata. The run is over before the stream starts.
 */
export function toStreamResult(result: SolveResult, modelId: string): LanguageModelV4StreamResult {
  const text = chosenText(result);
  const parts: LanguageModelV4StreamPart[] = [
    { type: "stream-start", warnings: [] },
    { type: "response-metadata", modelId },
    { type: "text-start", id: "0" },
    ...(text === "" ? [] : [{ type: "text-delta" as const, id: "0", delta: text }]),
    { type: "text-end", id: "0" },
    {
      type: "finish",
      finishReason: finishReasonOf(result),
      usage: toLanguageModelUsage(result.usage),
      providerMetadata: mullMetadata(result),
    },
  ];
  return {
    stream: new ReadableStream<LanguageModelV4StreamPart>({
      start(controller) {
        for (const part of parts) controller.enqueue(part);
        controller.close();
      },
    }),
  };
}
