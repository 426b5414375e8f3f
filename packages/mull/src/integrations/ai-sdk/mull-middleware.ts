import type { LanguageModelV4, LanguageModelV4Middleware } from "@ai-sdk/provider";
import type { Backend } from "../../spec/index.ts";
import { checkFactoryOptions, refuseUnusedRoute } from "../../strategies/index.ts";
import { createAISDKBackend } from "./ai-sdk-backend.ts";
import {
  checkCallBudget,
  checkCallStrategy,
  type MullCallSettings,
  mullCallSettings,
  type PassedCallOptions,
  solveCall,
  toGenerateResult,
  toStreamResult,
} from "./solve-call.ts";

/** The wrapped model as the backend of a call, passing the call's other options along. */
function backendOf(model: LanguageModelV4): (passed: PassedCallOptions) => Backend {
  return (passed) => createAISDKBackend(model, { callOptions: passed });
}

/**
 * An AI SDK middleware that answers every call with a mull strategy: the wrapped model becomes the
 * backend (one `doGenerate` per sample), the call's messages the prompt, and the result is the chosen
 * candidate's text, with usage summed over every sample and score call and `providerMetadata.mull`
 * holding `{ strategy, answer, votes, samples, stoppedBy, partial }`. Streaming starts only after the
 * strategy has chosen: `streamText` gets the chosen text at once, not token by token. Text prompts only:
 * a file, tool or reasoning part, or tools in the call, fail with a `ConfigError`. A `promptTemplate`
 * renders the last user message instead of sending the messages (see `solveCall`); a profile's template
 * does not, as the wrapped model takes chat.
 *
 * An abort of the call (`abortSignal`) or a budget limit returns the best answer so far, with
 * `providerMetadata.mull.partial` true and the usage of every sample made (a sample the abort cut counts
 * as a call whose tokens are unknown). With nothing to return, a call the caller aborted rejects with the
 * signal's reason (an `AbortError` or `TimeoutError` `DOMException`), and one cut by the budget with
 * `BudgetExhaustedError`.
 *
 * @throws ConfigError at once, before any call: for settings that are not an object, an unknown key
 * (`mullMiddleware: sed: unknown key (mullMiddleware takes strategy, budget, seed, …)`), a missing strategy,
 * an option `solve` would refuse (a seed that is not an integer, a scorer without a score method, a prompt
 * template that is none, a budget limit that is unknown, `maxTotalToken`, or not a number ≥ 0, …), or a
 * strategy name that is unknown or lacks what it needs (`bon@4` without a scorer); per call, for a prompt
 * mull cannot take.
 * @example
 * import { generateText, wrapLanguageModel } from "ai";
 * import { mullMiddleware } from "mull/ai-sdk";
 * const model = wrapLanguageModel({ model: openai("gpt-4o-mini"), middleware: mullMiddleware({ strategy: "sc@8" }) });
 * const { text, providerMetadata } = await generateText({ model, prompt: "What is 17 * 23? End with #### <answer>." });
 * console.log(text, providerMetadata?.mull?.votes);
 */
export function mullMiddleware(settings: MullCallSettings): LanguageModelV4Middleware {
  // Bad settings fail here, where the model is wrapped, not at its first call.
  checkFactoryOptions(mullCallSettings, settings, "mullMiddleware");
  checkCallBudget(settings);
  if (typeof settings.strategy === "string") checkCallStrategy(settings.strategy, settings);
  // A route its strategy would not use is refused here too, as solve refuses it.
  refuseUnusedRoute({
    owner: "mullMiddleware",
    strategy: settings.strategy,
    route: settings.route,
    catalog: settings.catalog,
  });
  return {
    specificationVersion: "v4",
    wrapGenerate: async ({ model, params }) =>
      toGenerateResult(await solveCall(params, settings, backendOf(model)), model.modelId),
    wrapStream: async ({ model, params }) =>
      toStreamResult(await solveCall(params, settings, backendOf(model)), model.modelId),
  };
}
