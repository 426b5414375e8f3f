import { ConfigError } from "../../errors/index.ts";
import type { ChatMessage, GenerationRequest } from "../../spec/index.ts";
import { requestStopStrings } from "../request-stop-strings.ts";

/** The two OpenAI APIs a request can go to. */
export type EndpointKind = "chat" | "completions";

/** How one HTTP request of a generation call is shaped. */
export interface BodySettings {
  readonly endpoint: EndpointKind;
  readonly model: string;
  /** Completions asked for in this HTTP request (1 when the call is fanned out). */
  readonly n: number;
  /** Seed of this HTTP request (shifted per request when a call is fanned out). */
  readonly seed: number | undefined;
  /** Whether to ask for log-probabilities (false once the server is known not to give them). */
  readonly logprobs: boolean;
  readonly stream: boolean;
  /** Whether `top_k` and `min_p` may be sent (servers such as OpenAI's reject unknown fields). */
  readonly samplingExtras: boolean;
  /**
   * The most stop strings the server takes in one request (`stopSequenceLimit`: 4 for OpenAI's API);
   * `undefined` for no limit.
   */
  readonly maxStopSequences?: number | undefined;
}

/** The number of top alternatives asked for, or 0. */
export function topLogprobCount(request: GenerationRequest): number {
  return request.topLogprobs ?? 0;
}

/** Whether a request asks for log-probabilities at all (`topLogprobs` implies them). */
export function wantsLogprobs(request: GenerationRequest): boolean {
  return request.logprobs === true || topLogprobCount(request) > 0;
}

/**
 * The stop strings of a request as sent: all of them (`requestStopStrings`), unless the server takes fewer
 * in one request than the request and its prompt hold together. `extraBody.stop`, which replaces them in
 * the body, is the caller's own and is sent as it is.
 *
 * @throws ConfigError (field `stop`) naming how many the request and its prompt hold and the server's
 * limit, rather than send a request the server refuses with a 400.
 */
function stopStrings(request: GenerationRequest, limit: number | undefined): readonly string[] {
  const stop = requestStopStrings(request);
  if (limit === undefined || stop.length <= limit) return stop;
  if (request.extraBody !== undefined && Object.hasOwn(request.extraBody, "stop")) return stop;
  const own = request.stop?.length ?? 0;
  const added = stop.length - own;
  const held =
    added === 0
      ? `${stop.length} stop strings`
      : `${stop.length} stop strings, ${own} given in the request and ${added} more its prompt stops at`;
  const expected =
    added === 0
      ? `at most ${limit}`
      : added > limit
        ? `a prompt that stops at ${limit} strings at most`
        : `at most ${limit - added} in the request beside its prompt's`;
  throw new ConfigError(
    `generate: stop holds ${held}; this server takes at most ${limit} in one request; expected ${expected}`,
    { field: "stop" },
  );
}

/** One chat message in OpenAI's shape: an assistant's calls as `tool_calls` (content `null` when empty). */
function messageBody(message: ChatMessage): Record<string, unknown> {
  const calls = message.toolCalls;
  if (calls === undefined || calls.length === 0) {
    return message.toolCallId === undefined
      ? { role: message.role, content: message.content }
      : { role: message.role, content: message.content, tool_call_id: message.toolCallId };
  }
  return {
    role: message.role,
    content: message.content === "" ? null : message.content,
    tool_calls: calls.map((call) => ({
      id: call.id,
      type: "function",
      function: { name: call.name, arguments: call.arguments },
    })),
  };
}

/**
 * The JSON body of one request, in the shape of the endpoint: chat takes `messages`, `logprobs: true` and
 * `top_logprobs: k`; completions take `prompt` and `logprobs: k`. A chat prompt that continues its final
 * assistant message sends vLLM's `continue_final_message: true, add_generation_prompt: false`. `stop` holds
 * the request's stop strings and its prompt's (`requestStopStrings`), no more than `maxStopSequences`.
 * `extraBody` is merged last, so it can override any field.
 *
 * @throws ConfigError (field `stop`) when the request and its prompt hold more stop strings than
 * `maxStopSequences` allows, before anything is sent.
 */
export function requestBody(request: GenerationRequest, settings: BodySettings): Record<string, unknown> {
  const body: Record<string, unknown> = { model: settings.model };
  const prompt = request.prompt;
  if (settings.endpoint === "chat") {
    if (prompt.kind === "chat") {
      body.messages = prompt.messages.map(messageBody);
      if (prompt.continueFinalMessage === true) {
        body.continue_final_message = true;
        body.add_generation_prompt = false;
      }
    } else {
      body.messages = [{ role: "user", content: prompt.text }];
    }
  } else {
    body.prompt =
      prompt.kind === "text" ? prompt.text : prompt.messages.map((message) => message.content).join("\n");
  }
  if (settings.n !== 1) body.n = settings.n;
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (settings.samplingExtras && request.topK !== undefined) body.top_k = request.topK;
  if (settings.samplingExtras && request.minP !== undefined) body.min_p = request.minP;
  if (settings.seed !== undefined) body.seed = settings.seed;
  const stop = stopStrings(request, settings.maxStopSequences);
  if (stop.length > 0) body.stop = [...stop];
  if (request.grammar !== undefined) body.grammar = request.grammar;
  if (settings.logprobs && wantsLogprobs(request)) {
    const top = topLogprobCount(request);
    if (settings.endpoint === "chat") {
      body.logprobs = true;
      if (top > 0) body.top_logprobs = top;
    } else {
      // At least 1: llama.cpp reads `logprobs: 0` as "no probabilities"; unasked alternatives are dropped.
      body.logprobs = Math.max(1, top);
    }
  }
  if (settings.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return { ...body, ...(request.extraBody ?? {}) };
}
