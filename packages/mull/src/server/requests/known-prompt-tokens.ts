import { BackendCallError, findCause } from "../../errors/index.ts";
import { countedPromptUsage } from "../../generation/index.ts";
import { optionalMethodsOf } from "../../runtime/index.ts";
import type {
  Backend,
  CallOptions,
  GenerationRequest,
  GenerationResult,
  Prompt,
  Usage,
} from "../../spec/index.ts";

/** A prompt whose tokens the served model's tokenizer counted (`Backend.countTokens`). */
export interface CountedPrompt {
  readonly prompt: Prompt;
  /** Its tokens, as counted for one request. */
  readonly tokens: number;
}

/** A backend whose calls' prompt tokens are told where they are known, and what its calls read in all. */
export interface KnownPromptTokens {
  /** The backend, each call's prompt tokens told where known (see `knownPromptTokens`). */
  readonly backend: Backend;
  /**
   * `usage` (a run's, over the calls made through `backend`), its prompt tokens told when it leaves them
   * unknown and they are known now for every call made: the calls it counts are exactly those, and each
   * call's prompt was reported or counted, by then if not when the call ended (a call cut before another
   * of the same prompt reported it). Else `usage` as it is.
   */
  usageOf(usage: Usage): Usage;
  /**
   * The prompt tokens the calls ended so far read, each call's reported or known now, and the requests
   * they made; `undefined` while a call's prompt is unknown. Why: a request over several models (a
   * routing strategy's route) completes its run's usage from every model's calls (`usageOf` sees one).
   */
  promptsRead(): { readonly promptTokens: number; readonly calls: number } | undefined;
}

/** What identifies a prompt: two calls with equal prompts read the same tokens. */
function promptKey(prompt: Prompt): string {
  return JSON.stringify(prompt);
}

/** A call that ended: its prompt, the requests it made, and their prompt tokens when it told them. */
interface EndedCall {
  readonly key: string;
  readonly calls: number;
  readonly promptTokens: number | undefined;
}

/** What a call that failed had used: what an abort cut told, or its error's usage; none, no request. */
function failedUsage(told: GenerationResult | undefined, error: unknown): Usage {
  const failed = findCause(
    error,
    (cause): cause is BackendCallError => BackendCallError.isInstance(cause) && cause.usage !== undefined,
  );
  return told?.usage ?? failed?.usage ?? { promptTokens: undefined, completionTokens: undefined, calls: 0 };
}

/**
 * `backend`, each call whose usage leaves its prompt's tokens unknown told them where they are known for
 * that very prompt: as an earlier call of the same prompt reported them (its `promptTokens` for each of its
 * `calls`), else as the model's tokenizer counted them (`counted`: the request's prompt, as planned); what
 * a call an abort cut tells (`CallOptions.onAborted`) is completed the same way. A prompt neither reported
 * nor counted stays unknown: an estimate from its characters is not a count, and a prompt the run wrote
 * (a step search's prefix, a critique) is not the request's. `usageOf` completes a run's usage once its
 * calls are over, for the calls cut before a call of their prompt reported it.
 * Why: a strategy's samples read the request's prompt, and an upstream that does not report it (or a
 * call cut before its usage came) would leave the request's prompt tokens unknown in its response, its
 * key's charge and `/metrics` (and in the trace, for each call told them as it ended), although a
 * pass-through of the same prompt reports them.
 *
 * @example
 * const known = knownPromptTokens(served, plan.promptTokensCounted ? { prompt: plan.prompt, tokens: plan.estimatedPromptTokens } : undefined);
 * const result = await solve({ ..., backend: known.backend });
 * const usage = known.usageOf(result.usage);
 */
export function knownPromptTokens(backend: Backend, counted: CountedPrompt | undefined): KnownPromptTokens {
  const known = new Map<string, number>();
  if (counted !== undefined) known.set(promptKey(counted.prompt), counted.tokens);
  const ended: EndedCall[] = [];
  const end = (key: string, usage: Usage) =>
    ended.push({ key, calls: usage.calls, promptTokens: usage.promptTokens });
  const completed = (key: string, result: GenerationResult): GenerationResult => {
    const { promptTokens, calls } = result.usage;
    if (promptTokens !== undefined) {
      // A count reported for each request of the call: what the upstream reads this prompt as.
      if (calls > 0 && Number.isInteger(promptTokens / calls)) known.set(key, promptTokens / calls);
      return result;
    }
    const usage = countedPromptUsage(result.usage, known.get(key));
    return usage === result.usage ? result : { ...result, usage };
  };
  const generate = async (request: GenerationRequest, options?: CallOptions): Promise<GenerationResult> => {
    const key = promptKey(request.prompt);
    const onAborted = options?.onAborted;
    let told: GenerationResult | undefined;
    const watched: CallOptions = {
      ...options,
      onAborted: (partial: GenerationResult) => {
        told = completed(key, partial);
        onAborted?.(told);
      },
    };
    try {
      const result = completed(key, await backend.generate(request, watched));
      end(key, result.usage);
      return result;
    } catch (error) {
      end(key, failedUsage(told, error));
      throw error;
    }
  };
  const promptsRead = () => {
    let promptTokens = 0;
    let calls = 0;
    for (const call of ended) {
      if (call.calls === 0) continue;
      const each = known.get(call.key);
      const read = call.promptTokens ?? (each === undefined ? undefined : each * call.calls);
      if (read === undefined) return undefined;
      promptTokens += read;
      calls += call.calls;
    }
    return { promptTokens, calls };
  };
  return {
    backend: {
      describe: () => backend.describe(),
      capabilities: (options) => backend.capabilities(options),
      generate,
      ...optionalMethodsOf(backend),
    },
    usageOf(usage) {
      if (usage.promptTokens !== undefined) return usage;
      const read = promptsRead();
      return read === undefined || read.calls === 0 || read.calls !== usage.calls
        ? usage
        : { ...usage, promptTokens: read.promptTokens };
    },
    promptsRead,
  };
}
