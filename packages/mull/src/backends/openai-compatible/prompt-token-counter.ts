import { BackendCallError, CapabilityError } from "../../errors/index.ts";
import type { Prompt } from "../../spec/index.ts";
import {
  countServerTokens,
  type ServerTokenCount,
  type ServerTokenizerSettings,
  type TokenizerDialect,
} from "./count-server-tokens.ts";
import type { ServerDiscovery } from "./discover-server.ts";
import type { EndpointKind } from "./request-body.ts";
import { untilAborted } from "./until-aborted.ts";

/** The longest timer Node keeps (a longer one fires at once). */
const longestTimerMilliseconds = 2_147_483_647;

/**
 * Prompts whose counts a counter remembers, the least recently used forgotten first: a request is counted
 * when it is planned and again by each of its samples, and the same prompt counts the same.
 */
const rememberedCounts = 256;

/** Settings of a backend's prompt token counter. */
export interface PromptTokenCounterSettings {
  /** Which tokenizer routes to use, or `auto`: those of the server `discover` finds. */
  readonly tokenizer: TokenizerDialect | "auto";
  /**
   * What the server says it is, shared with the backend's capabilities: asked until every route answers,
   * and remembered from then on (`createDiscoveryMemory`).
   */
  readonly discover: () => Promise<ServerDiscovery>;
  readonly server: ServerTokenizerSettings;
  /** One deadline for a count and all its requests (the backend's `timeoutMilliseconds`). */
  readonly timeoutMilliseconds: number;
  /** The backend's lifetime: counts in flight stop with it, with its reason. */
  readonly lifetime: AbortSignal;
  /** The backend, as its errors name it. */
  readonly name: string;
}

/** Counts prompts' tokens with a server's tokenizer, learning once whether the server has one. */
export interface PromptTokenCounter {
  /**
   * The tokens `prompt` takes sent to the `kind` endpoint, as the server counts them.
   *
   * @throws CapabilityError (capability `countTokens`) when the server has no tokenizer this counter can
   *   use; the signal's reason when `signal` aborts; a `BackendCallError` for a failed request.
   */
  count(prompt: Prompt, kind: EndpointKind, signal?: AbortSignal): Promise<number>;
}

/**
 * What a discovery says of the server's tokenizer routes: which they are; that there are none to use; or
 * nothing yet (`undecided`), when it found neither and a route gave no answer.
 */
type Detection =
  | TokenizerDialect
  | { readonly unavailable: string; readonly undecided?: undefined }
  | { readonly undecided: string; readonly unavailable?: undefined };

/** The tokenizer routes of the server a discovery describes, or why there are none to use (yet). */
function dialectOf(found: ServerDiscovery): Detection {
  if (found.versions?.["llama.cpp"] !== undefined) return "llama.cpp";
  if (found.versions?.server !== undefined) return "vllm";
  if (found.unanswered !== undefined) {
    return {
      undecided: `its server did not answer whether it has a tokenizer (${found.unanswered.join("; ")}); it is asked again a few seconds later`,
    };
  }
  return {
    unavailable:
      'its server answered neither llama.cpp\'s GET /props nor vLLM\'s GET /version, so no tokenizer route is known (tokenizer "llama.cpp" or "vllm" names one)',
  };
}

/**
 * Whether a count failed on the server's trouble (past the deadline, a 5xx, a broken connection), which
 * every count would meet.
 */
function isServerTrouble(error: unknown): boolean {
  return BackendCallError.isInstance(error) && error.isRetryable;
}

/**
 * The prompt token counter of one OpenAI-compatible backend (`countServerTokens` under the backend's
 * deadline, lifetime and the call's signal). Whether the server can count is learnt once, from answers
 * only: with `auto` from the server's discovery, which costs nothing beyond it (a server that is neither
 * llama.cpp's nor vLLM's is never asked to count), then from the first count's answer. Until a count has
 * succeeded, counts go one at a time, so a server without the route is asked once in the backend's life:
 * from then on every count throws a `CapabilityError` without a request. A discovery that got no answer
 * (the server down or still loading: see `ServerDiscovery.unanswered`) decides nothing: the count throws a
 * retryable `BackendCallError`, and a later count asks again once the discovery's delay has passed
 * (`rediscoveryDelays`). A count that fails otherwise (a network error, a 5xx, the deadline) throws and
 * changes nothing either; the counts that waited on it fail with it, at once. The counts of the last 256 prompts are remembered, so a request counted when
 * planned costs its samples no further request.
 *
 * @example
 * const counter = createPromptTokenCounter({ tokenizer: "auto", discover, server, timeoutMilliseconds, lifetime, name });
 * const tokens = await counter.count({ kind: "chat", messages }, "chat", signal);
 */
export function createPromptTokenCounter(settings: PromptTokenCounterSettings): PromptTokenCounter {
  const { server, lifetime, name } = settings;
  const timeoutMilliseconds = Math.min(settings.timeoutMilliseconds, longestTimerMilliseconds);
  /** Why the server cannot count, once known. */
  let unavailable: string | undefined;
  /** The routes a count succeeded on: from then on counts run side by side. */
  let confirmed: TokenizerDialect | undefined;
  /** The count that decides whether the server can count, while one is in flight. */
  let deciding: Promise<number> | undefined;
  /** The signal of the call whose count decides. */
  let decidingSignal: AbortSignal | undefined;

  const refuse = (reason: string): never => {
    unavailable = reason;
    throw new CapabilityError("countTokens", "counting a prompt's tokens", `${name} (${reason})`);
  };

  // Asked until a count decides: the discovery remembers an answer, and asks again after no answer.
  const dialect = async (): Promise<Detection> => {
    const given = settings.tokenizer;
    return given === "auto" ? dialectOf(await settings.discover()) : given;
  };

  /** One count under the deadline: a timeout becomes a `BackendCallError`, an abort its signal's reason. */
  const countOn = async (
    chosen: TokenizerDialect,
    prompt: Prompt,
    kind: EndpointKind,
    signal: AbortSignal | undefined,
  ): Promise<number> => {
    const deadline = AbortSignal.timeout(timeoutMilliseconds);
    const joined = AbortSignal.any([lifetime, deadline, ...(signal === undefined ? [] : [signal])]);
    let counted: ServerTokenCount;
    try {
      counted = await countServerTokens(chosen, prompt, kind, server, joined);
    } catch (error) {
      if (signal?.aborted === true) throw signal.reason;
      if (lifetime.aborted) throw lifetime.reason;
      if (deadline.aborted) {
        throw new BackendCallError(
          `${name}: counting a prompt's tokens took longer than the deadline of ${timeoutMilliseconds} ms`,
          { isRetryable: true, cause: error },
        );
      }
      throw error;
    }
    // A route that went away (another server now answers at the address) is not asked again either.
    return counted.unavailable === undefined ? counted.tokens : refuse(counted.unavailable);
  };

  const decide = async (prompt: Prompt, kind: EndpointKind, signal: AbortSignal | undefined) => {
    const chosen = await untilAborted(dialect(), signal);
    // A discovery cut by the backend's disposal found nothing: that says nothing of the server.
    if (lifetime.aborted) throw lifetime.reason;
    if (typeof chosen !== "string") {
      if (chosen.unavailable !== undefined) return refuse(chosen.unavailable);
      throw new BackendCallError(`${name}: cannot count a prompt's tokens yet: ${chosen.undecided}`, {
        isRetryable: true,
      });
    }
    const tokens = await countOn(chosen, prompt, kind, signal);
    confirmed = chosen;
    return tokens;
  };

  /** Counts already made, by endpoint and prompt, most recently used last. */
  const remembered = new Map<string, number>();
  const remember = (key: string, tokens: number): number => {
    remembered.delete(key);
    remembered.set(key, tokens);
    if (remembered.size > rememberedCounts) remembered.delete(remembered.keys().next().value as string);
    return tokens;
  };

  const countOnce = async (prompt: Prompt, kind: EndpointKind, signal: AbortSignal | undefined) => {
    for (;;) {
      signal?.throwIfAborted();
      if (unavailable !== undefined) return refuse(unavailable);
      if (confirmed !== undefined) return countOn(confirmed, prompt, kind, signal);
      if (deciding === undefined) {
        const current = decide(prompt, kind, signal);
        deciding = current;
        decidingSignal = signal;
        try {
          return await current;
        } finally {
          if (deciding === current) deciding = undefined;
        }
      }
      // Wait for the count that decides, then look again: counted, refused, or this call decides. A
      // deciding count that met the server's trouble (no answer by the deadline, a 5xx, a broken
      // connection) fails its waiters too, rather than each trying in turn for a deadline of its own;
      // one its own caller cut, or that failed on its own prompt, says nothing of the server, and the
      // next waiter decides.
      const cutByItsCaller = decidingSignal;
      const failure = await untilAborted(
        deciding.then(
          () => undefined,
          (error: unknown) => ({ error }),
        ),
        signal,
      );
      if (failure !== undefined && cutByItsCaller?.aborted !== true && isServerTrouble(failure.error)) {
        throw failure.error;
      }
    }
  };

  return {
    async count(prompt, kind, signal) {
      const key = `${kind}\u0000${JSON.stringify(prompt)}`;
      const known = remembered.get(key);
      if (known !== undefined) {
        signal?.throwIfAborted();
        return remember(key, known);
      }
      return remember(key, await countOnce(prompt, kind, signal));
    },
  };
}
