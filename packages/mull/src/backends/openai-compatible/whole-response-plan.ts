/**
 * How the requests of a call that asked for whole (unstreamed) responses are sent:
 * - `whole`: as asked, one whole response with the call's `n` choices;
 * - `streamed`: streamed all the same, and assembled whole;
 * - `one-per-choice`: one whole response per choice (the call fanned out).
 */
export type WholeResponsePlan = "whole" | "streamed" | "one-per-choice";

/** What `wholeResponsePlan` decides from. */
export interface WholeResponseSettings {
  /** Choices the call asks for. */
  readonly n: number;
  /** Whether the server is llama.cpp's `llama-server` (its discovery said so, or the options do). */
  readonly llamaCpp: boolean;
  /** Whether its responses may be streamed (the backend's `stream` option). */
  readonly streamAllowed: boolean;
}

/**
 * How to send a call that wants whole responses so that its usage counts every choice. llama.cpp's
 * server answers an unstreamed request for `n > 1` with the usage of one choice only (measured: 34
 * completion tokens reported for three choices of 34, 34 and 32), while it streams each choice's own
 * usage and answers a single choice's request in full. So such a call is streamed instead where streaming
 * is allowed: one request, the prompt evaluated and charged once, each choice's tokens counted by the
 * server itself. Where it is not (`stream: false`, a server whose streaming is broken), each choice is a
 * request of its own, whose usage is whole (llama.cpp seeds the choices of one request `seed + index`, as a
 * fanned-out call does, so the samples are the same; the prompt is charged once per request). Counting the
 * choices' texts with the server's tokenizer would cost as many requests and still miss the tokens a stop
 * string or the end of generation took; log-probabilities leave out a stop string's token too. Any other
 * server, and any single choice, is sent whole as asked.
 *
 * @example
 * wholeResponsePlan({ n: 3, llamaCpp: true, streamAllowed: true }); // "streamed"
 * wholeResponsePlan({ n: 3, llamaCpp: false, streamAllowed: true }); // "whole"
 */
export function wholeResponsePlan(settings: WholeResponseSettings): WholeResponsePlan {
  if (settings.n <= 1 || !settings.llamaCpp) return "whole";
  return settings.streamAllowed ? "streamed" : "one-per-choice";
}
