import { BackendCallError } from "../../errors/index.ts";
import type { TokenWatcher } from "../../spec/index.ts";
import type { CapabilityState } from "./capability-state.ts";
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
}

function noChoices(url: string): BackendCallError {
  return new BackendCallError(`POST ${url} returned no choices`, { isRetryable: true, url });
}

/**
 * Gets the `shape.n` choices of a call: in one request while the server honours `n`, and the rest by
 * parallel single-choice requests (seeds `seed + index`, so samples differ but stay reproducible). A
 * server that refuses `n` or returns fewer choices than asked is fanned out for from then on (for smaller
 * `n` too, unless it answered some `n > 1` in full). With a token watcher every choice is its own
 * streamed request, watched as completion `index` (a stream of several choices cannot be closed for one
 * of them). `url` (without secrets) names the endpoint in errors.
 */
export async function fanOut(
  shape: Omit<RequestShape, "logprobs" | "watchChoice"> & { readonly watch?: TokenWatcher | undefined },
  capabilities: CapabilityState,
  sender: RequestSender,
  url: string,
): Promise<FannedOut> {
  const { watch, ...request } = shape;
  const { n, seed } = request;
  const responses: ParsedResponse[] = [];
  const picked: PickedChoice[] = [];
  const watchChoice = (index: number) =>
    watch === undefined ? undefined : (token: Parameters<TokenWatcher>[1]) => watch(index, token);

  if (n === 1 || (watch === undefined && capabilities.nativeN(n))) {
    try {
      // Pieces are relayed for one completion only: a single stream, with nothing to interleave.
      const onPiece = n === 1 && shape.streamed ? shape.onPiece : undefined;
      const response = await capabilities.send({ ...request, onPiece, watchChoice: watchChoice(0) });
      if (response.choices.length === 0) throw noChoices(url);
      responses.push(response);
      for (const choice of response.choices.slice(0, n)) picked.push({ choice, response });
      if (response.choices.length < n) capabilities.refusedN(n);
      else capabilities.acceptedN(n);
    } catch (error) {
      if (!(n > 1 && sender.refuses(error, "n"))) throw error;
      capabilities.refusedN(n);
    }
  }

  const missing = n - picked.length;
  if (missing > 0) {
    // Siblings stop as soon as one fails: no request keeps running for a call that has failed.
    const siblings = new AbortController();
    const signal = AbortSignal.any([request.signal, siblings.signal]);
    const start = picked.length;
    const results = await Promise.all(
      Array.from({ length: missing }, (_, offset) =>
        capabilities
          .send({
            ...request,
            n: 1,
            seed: seed === undefined ? undefined : seed + start + offset,
            signal,
            onPiece: undefined,
            watchChoice: watchChoice(start + offset),
          })
          .catch((error: unknown) => {
            siblings.abort(error);
            throw error;
          }),
      ),
    );
    for (const response of results) {
      const choice = response.choices[0];
      if (choice === undefined) throw noChoices(url);
      responses.push(response);
      picked.push({ choice, response });
    }
  }
  return { picked, responses };
}
