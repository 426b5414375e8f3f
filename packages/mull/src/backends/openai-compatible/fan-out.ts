import { BackendCallError } from "../../errors/index.ts";
import type { TokenWatcher } from "../../spec/index.ts";
import type { CapabilityState } from "./capability-state.ts";
import type { PieceRelay } from "./http-call.ts";
import type { RequestSender, RequestShape } from "./request-sender.ts";
import type { ParsedChoice, ParsedResponse } from "./response-parser.ts";

/** A choice of a call, with the response it came in (for usage and the model's name). */
export interface PickedChoice {
  readonly choice: ParsedChoice;
  readonly response: ParsedResponse;
}

/** The choices of a call, and every response they came in. */
export interface FannedOut {
  readonly picked: readonly PickedChoice[];
  readonly responses: readonly ParsedResponse[];
  /**
   * Why the single-choice requests that failed while others finished did, in the order they failed: the
   * call's choices lack theirs. Absent when none failed.
   */
  readonly lost?: readonly unknown[] | undefined;
}

function noChoices(url: string): BackendCallError {
  return new BackendCallError(`POST ${url} returned no choices`, { isRetryable: true, url });
}

/** A request of a call that was sent: its response, or what it had done when the call's abort cut it. */
interface SentRequest {
  readonly response: ParsedResponse;
  readonly cut: boolean;
  /** Choices asked for in it. */
  readonly n: number;
}

/**
 * What a call had done at its abort, from the requests it had sent, in order: finished responses as they
 * ended, cut ones as far as they got. A request cut while streaming that had not learnt its prompt's size
 * takes it from a finished one (the same prompt), its cached tokens too (unknown where that one did not say).
 */
function abortedCall(sent: readonly SentRequest[]): FannedOut {
  const prompt = sent.find(({ cut, response }) => !cut && response.usage?.promptTokens !== undefined)
    ?.response.usage;
  const picked: PickedChoice[] = [];
  const responses = sent.map(({ response, cut, n }) => {
    const usage = response.usage;
    const told =
      cut && prompt !== undefined && usage !== undefined && usage.promptTokens === undefined
        ? {
            ...response,
            usage: {
              ...usage,
              promptTokens: prompt.promptTokens,
              cachedPromptTokens: prompt.cachedPromptTokens,
            },
          }
        : response;
    for (const choice of told.choices.slice(0, n)) picked.push({ choice, response: told });
    return told;
  });
  return { picked, responses };
}

/**
 * Gets the `shape.n` choices of a call: in one request while the server honours `n`, and the rest by
 * parallel single-choice requests (seeds `seed + index`, so samples differ but stay reproducible). A
 * server that refuses `n` or returns fewer choices than asked is fanned out for from then on (for smaller
 * `n` too, unless it answered some `n > 1` in full). With a token watcher every choice is its own
 * streamed request, watched as completion `index` (a stream of several choices cannot be closed for one
 * of them), and so is every choice with `shape.oneChoiceEach` (a server whose whole responses of several
 * choices count one choice's usage: `wholeResponsePlan`). A streamed call's pieces go to `shape.onPiece`
 * with the index of the completion they belong to, whichever request streams it. `url` (without secrets)
 * names the endpoint in errors.
 *
 * A fanned-out request that fails (after its retries), or answers without a choice, leaves the others
 * running: the call returns the choices that came, with the failures as `lost`, so that a vote goes on
 * over the samples that finished; only when no choice came at all does it reject, with the first failure.
 *
 * When the abort of `shape.signal` ends the call, every request is waited for (they share the abort), and
 * `shape.onAborted` is told what the requests sent had done (`abortedCall`) before `fanOut` rejects with
 * the signal's reason; requests never sent tell nothing, and when none was sent it is not called.
 */
export async function fanOut(
  shape: Omit<RequestShape, "logprobs" | "watchChoice" | "onAborted"> & {
    readonly watch?: TokenWatcher | undefined;
    readonly onAborted?: ((done: FannedOut) => void) | undefined;
    /** Send every choice as a request of its own, whatever `n` the server takes. */
    readonly oneChoiceEach?: boolean | undefined;
  },
  capabilities: CapabilityState,
  sender: RequestSender,
  url: string,
): Promise<FannedOut> {
  const { watch, onAborted, oneChoiceEach, ...request } = shape;
  const { n, seed } = request;
  const responses: ParsedResponse[] = [];
  const picked: PickedChoice[] = [];
  const sent: SentRequest[] = [];
  const watchChoice = (index: number) =>
    watch === undefined ? undefined : (token: Parameters<TokenWatcher>[1]) => watch(index, token);
  const onPiece = request.streamed ? request.onPiece : undefined;
  // A single-choice request's pieces are those of completion `index`.
  const relayAs = (index: number): PieceRelay | undefined =>
    onPiece === undefined ? undefined : (text, kind) => onPiece(text, kind, index);
  /** The reason to reject with at the call's abort, once `onAborted` was told what was sent. */
  const aborted = (): unknown => {
    if (sent.length > 0) onAborted?.(abortedCall(sent));
    return request.signal.reason;
  };

  if (n === 1 || (watch === undefined && oneChoiceEach !== true && capabilities.nativeN(n))) {
    try {
      const response = await capabilities.send({
        ...request,
        // Each choice's pieces as its index says; any beyond the `n` asked for are not the call's.
        onPiece:
          onPiece === undefined
            ? undefined
            : (text, kind, index) => (index < n ? onPiece(text, kind, index) : undefined),
        watchChoice: watchChoice(0),
        onAborted: (partial) => sent.push({ response: partial, cut: true, n }),
      });
      if (response.choices.length === 0) throw noChoices(url);
      responses.push(response);
      sent.push({ response, cut: false, n });
      for (const choice of response.choices.slice(0, n)) picked.push({ choice, response });
      if (response.choices.length < n) capabilities.refusedN(n);
      else capabilities.acceptedN(n);
    } catch (error) {
      if (request.signal.aborted) throw aborted();
      if (!(n > 1 && sender.refuses(error, "n"))) throw error;
      capabilities.refusedN(n);
    }
  }

  const missing = n - picked.length;
  if (missing > 0) {
    const start = picked.length;
    const cut: (ParsedResponse | undefined)[] = [];
    /** Why the siblings failed, in the order they did. */
    const failures: unknown[] = [];
    // Every sibling runs to its end (or to the call's abort): one that fails leaves the others to finish,
    // so that the call keeps the samples that do.
    const settled = await Promise.allSettled(
      Array.from({ length: missing }, (_, offset) =>
        capabilities
          .send({
            ...request,
            n: 1,
            seed: seed === undefined ? undefined : seed + start + offset,
            onPiece: relayAs(start + offset),
            watchChoice: watchChoice(start + offset),
            onAborted: (partial) => {
              cut[offset] = partial;
            },
          })
          .then(
            (response) => {
              if (response.choices.length > 0) return response;
              const failure = noChoices(url);
              failures.push(failure);
              throw failure;
            },
            (error: unknown) => {
              failures.push(error);
              throw error;
            },
          ),
      ),
    );
    if (request.signal.aborted && failures.length > 0) {
      for (const [offset, outcome] of settled.entries()) {
        const partial = cut[offset];
        if (outcome.status === "fulfilled") sent.push({ response: outcome.value, cut: false, n: 1 });
        else if (partial !== undefined) sent.push({ response: partial, cut: true, n: 1 });
      }
      throw aborted();
    }
    for (const outcome of settled) {
      if (outcome.status === "rejected") continue;
      const response = outcome.value;
      const [choice] = response.choices;
      if (choice === undefined) continue;
      responses.push(response);
      picked.push({ choice, response });
    }
    // Nothing came: the call failed as its first failure says.
    if (picked.length === 0) throw failures[0];
    if (failures.length > 0) return { picked, responses, lost: failures };
  }
  return { picked, responses };
}
