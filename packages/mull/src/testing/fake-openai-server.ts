import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { sleep } from "../runtime/index.ts";
import { strictOptionKeys } from "./strict-option-keys.ts";

/** One request the fake server received, as it arrived. */
export interface FakeOpenAIRequest {
  /** Arrival order, from 0. */
  readonly index: number;
  /** HTTP method, e.g. `POST`; generation endpoints answer only `POST`. */
  readonly method: string;
  /** Path without the query, e.g. `/v1/chat/completions`. */
  readonly path: string;
  /** Which API the path names. */
  readonly endpoint: "chat" | "completions" | "models" | "other";
  /** Headers with lower-case names; repeated headers joined by `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body, when there was one. */
  readonly body: Readonly<Record<string, unknown>> | undefined;
  /** `body.n`, or 1. */
  readonly n: number;
  /** `body.stream === true`. */
  readonly stream: boolean;
  /** The text prompt, or the chat messages' contents joined by newlines. */
  readonly prompt: string;
  /** `performance.now()` when the request body had been read. */
  readonly receivedAt: number;
}

/** One scripted choice: its tokens (or a text split into word tokens) and their log-probabilities. */
export interface FakeChoice {
  /** Tokens of the choice; concatenated they give its text. */
  readonly tokens?: readonly string[] | undefined;
  /** The text, split into tokens at word starts when `tokens` is absent. */
  readonly text?: string | undefined;
  /** Log-probability of each token; by default token `i` gets `-0.1 * (i + 1)`. */
  readonly logprobs?: readonly number[] | undefined;
  /**
   * Top alternatives reported at each token, most likely first (the first `top_logprobs` asked for are
   * sent); by default made up: the token itself, then `token~1`, `token~2`, … each 1 nat less likely.
   */
  readonly topLogprobs?:
    | readonly (readonly { readonly token: string; readonly logprob: number }[])[]
    | undefined;
  /** Finish reason sent; default `stop` (`tool_calls` with `toolCalls`). `null` sends none. */
  readonly finishReason?: string | null | undefined;
  /**
   * Function calls the choice ends in: sent as `message.tool_calls`, or streamed as `delta.tool_calls`
   * pieces (the id and name first, then the arguments in two halves). Ids default to `call_<choice>_<i>`.
   */
  readonly toolCalls?:
    | readonly { readonly name: string; readonly arguments: string; readonly id?: string | undefined }[]
    | undefined;
  /**
   * Reasoning sent apart from the text (chat only): `message.reasoning_content`, or streamed as
   * `delta.reasoning_content` pieces (one per word) before the text.
   */
  readonly reasoning?: string | undefined;
  /**
   * `stop_reason` sent on the choice, as vLLM does: the stop string that ended it (or a stop token's id);
   * left out by default.
   */
  readonly stopReason?: string | number | null | undefined;
}

/** Faults injected into a successful reply's delivery. */
export interface FakeDelivery {
  /** Close the connection after this many tokens (over all choices) were sent. */
  readonly cutAfterTokens?: number | undefined;
  /** Stop sending, but keep the connection open, after this many tokens. */
  readonly stallAfterTokens?: number | undefined;
  /** End a stream without the final `data: [DONE]`. */
  readonly omitDone?: boolean | undefined;
  /**
   * Send a stream whole (its finish and usage chunks too) but no `data: [DONE]`, and keep the connection
   * open: the stream never ends until the client goes away or the server closes.
   */
  readonly holdOpenWithoutDone?: boolean | undefined;
  /** Pause between streamed token chunks. */
  readonly tokenDelayMilliseconds?: number | undefined;
  /** Pause before the response headers. */
  readonly headerDelayMilliseconds?: number | undefined;
  /**
   * Put the usage so far on every token chunk of a stream (its prompt counts, and the tokens sent up to
   * and including that chunk), as vLLM does with `stream_options.continuous_usage_stats`; the final usage
   * chunk is sent as usual.
   */
  readonly continuousUsage?: boolean | undefined;
}

/** A successful reply. Choices are sent exactly as given (give fewer than `n` to mimic a server that ignores `n`). */
export interface FakeCompletionReply {
  /** The choices sent, in order, with indices from 0; a string is a choice of that text in word tokens. */
  readonly choices: readonly (string | FakeChoice)[];
  /**
   * Usage counts. By default prompt tokens are the prompt's word count and completion tokens the tokens
   * sent; `null` for a count (or for the whole object) leaves it out of the response.
   */
  readonly usage?: {
    readonly promptTokens?: number | null;
    readonly completionTokens?: number | null;
    /** Sent as `completion_tokens_details.reasoning_tokens` (as vLLM and llama.cpp report thinking); left out by default. */
    readonly reasoningTokens?: number | undefined;
    /** Sent as `prompt_tokens_details.cached_tokens` (prompt tokens read from a cache); left out by default. */
    readonly cachedPromptTokens?: number | undefined;
  } | null;
  /** Leave log-probabilities out even when asked for them. */
  readonly omitLogprobs?: boolean | undefined;
  /** Faults in sending the reply (cuts, stalls, pauses, a stream without `[DONE]`); none by default. */
  readonly delivery?: FakeDelivery | undefined;
  /** Model name in the response; defaults to the server's. */
  readonly model?: string | undefined;
}

/** An HTTP error reply in OpenAI's error shape. */
export interface FakeErrorReply {
  /** HTTP status sent, e.g. 429 or 503; it also picks the error `type` (`server_error` from 500 up). */
  readonly status: number;
  /** `error.message` of the body; default `fake error <status>`. */
  readonly message?: string | undefined;
  /** `retry-after` header, as sent (seconds or an HTTP date). */
  readonly retryAfter?: string | undefined;
  /** `retry-after-ms` header. */
  readonly retryAfterMilliseconds?: number | undefined;
  /** More response headers, sent as given; `retryAfter` and `retryAfterMilliseconds` win over these. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** A connection-level fault: `reset` closes the socket with a TCP reset, `hang` never answers. */
export interface FakeFaultReply {
  /** `reset` destroys the socket at once; `hang` leaves the request open until the client or `close()` ends it. */
  readonly fault: "reset" | "hang";
}

/** What the fake server answers: a text for every one of the `n` choices, choices, an error or a fault. */
export type FakeReply = string | FakeCompletionReply | FakeErrorReply | FakeFaultReply;

/** Chooses the reply to a request. */
export type FakeHandler = (request: FakeOpenAIRequest) => FakeReply | Promise<FakeReply>;

/** Settings of the fake server. */
export interface FakeOpenAIServerOptions {
  /** Replies given in order to generation requests, before `handler` is asked. */
  readonly replies?: readonly FakeReply[] | undefined;
  /** Answers generation requests once `replies` is used up; by default every choice is `ok`. */
  readonly handler?: FakeHandler | undefined;
  /** Answer `n > 1` with a 400 `n must be 1` (some gateways do). */
  readonly refuseN?: boolean | undefined;
  /** Never send log-probabilities (like servers without them). */
  readonly omitLogprobs?: boolean | undefined;
  /** A bearer key every request must carry; a wrong one gets a 401 that echoes it. */
  readonly apiKey?: string | undefined;
  /** Model name reported; default `fake-model`. */
  readonly model?: string | undefined;
  /** The ids `GET /models` lists; default `model` alone. */
  readonly models?: readonly string[] | undefined;
  /** The body of `GET /props`, as llama.cpp's server answers it; without it, a 404. */
  readonly props?: Readonly<Record<string, unknown>> | undefined;
  /** The version `GET /version` answers (`{ "version": … }`, as vLLM does); without it, a 404. */
  readonly version?: string | undefined;
}

const checkOptionKeys = strictOptionKeys<FakeOpenAIServerOptions>("startFakeOpenAIServer", {
  replies: true,
  handler: true,
  refuseN: true,
  omitLogprobs: true,
  apiKey: true,
  model: true,
  models: true,
  props: true,
  version: true,
});

/** A running fake server. */
export interface FakeOpenAIServer {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:40123/v1`. */
  readonly url: string;
  /**
   * Every request received so far, in arrival order (a live array), but for the `GET /props` and
   * `GET /version` that HTTP backends send once to discover what the server is (answered from `props` and
   * `version`, else 404).
   */
  readonly requests: readonly FakeOpenAIRequest[];
  /** Requests whose client went away before the reply was complete. */
  readonly abortedRequests: number;
  /** Requests still being answered (including hung and stalled ones). */
  readonly openRequests: number;
  /**
   * Counts of generation requests (chat and text completions, probes included): `started` once the body
   * was read, `completed` once the reply was sent whole (errors and server-side faults too),
   * `abortedByClient` once the client went away first. Once nothing is open, `completed + abortedByClient`
   * equals `started`.
   */
  readonly generations: FakeGenerationCounts;
  /** Replaces the handler used once the queued replies are used up. */
  setHandler(handler: FakeHandler): void;
  /** Queues more replies. */
  enqueue(...replies: FakeReply[]): void;
  /** Closes every connection (hung ones too) and stops listening. */
  close(): Promise<void>;
}

/** What became of the generation requests a fake server received. */
export interface FakeGenerationCounts {
  /** Generation requests whose body was read (before the API key check). */
  readonly started: number;
  /** Those whose response the server ended: sent whole, an error, or closed early (a reset, a cut, `close()`). */
  readonly completed: number;
  /** Those whose client went away before the response was complete. */
  readonly abortedByClient: number;
  /** Started and not yet finished either way. */
  readonly running: number;
}

interface RenderedChoice {
  readonly index: number;
  readonly tokens: readonly string[];
  readonly logprobs: readonly number[];
  readonly topLogprobs: FakeChoice["topLogprobs"];
  readonly finishReason: string | null;
  readonly toolCalls: readonly { readonly id: string; readonly name: string; readonly arguments: string }[];
  readonly reasoning: string | undefined;
  readonly stopReason: string | number | null | undefined;
}

const wordTokens = /\s*\S+|\s+/g;

function splitTokens(text: string): string[] {
  return text.match(wordTokens) ?? [];
}

/** Writes and resolves once the data was handed to the socket (or the response was destroyed). */
function writeFlushed(response: ServerResponse, data: string): Promise<void> {
  return new Promise((resolve) => {
    response.write(data, () => resolve());
  });
}

function endpointOf(path: string): FakeOpenAIRequest["endpoint"] {
  if (path.endsWith("/chat/completions")) return "chat";
  if (path.endsWith("/completions")) return "completions";
  if (path.endsWith("/models")) return "models";
  return "other";
}

function promptOf(body: Readonly<Record<string, unknown>> | undefined): string {
  if (body === undefined) return "";
  if (typeof body.prompt === "string") return body.prompt;
  if (Array.isArray(body.messages)) {
    return body.messages
      .map((message: unknown) =>
        typeof message === "object" && message !== null && "content" in message
          ? String(message.content)
          : "",
      )
      .join("\n");
  }
  return "";
}

function renderChoice(choice: string | FakeChoice, index: number): RenderedChoice {
  const script: FakeChoice = typeof choice === "string" ? { text: choice } : choice;
  const tokens = script.tokens ?? splitTokens(script.text ?? "");
  const logprobs = tokens.map((_, position) => script.logprobs?.[position] ?? -0.1 * (position + 1));
  return {
    index,
    tokens,
    logprobs,
    topLogprobs: script.topLogprobs,
    finishReason:
      script.finishReason === undefined
        ? script.toolCalls === undefined
          ? "stop"
          : "tool_calls"
        : script.finishReason,
    reasoning: script.reasoning,
    stopReason: script.stopReason,
    toolCalls: (script.toolCalls ?? []).map((call, position) => ({
      id: call.id ?? `call_${index}_${position}`,
      name: call.name,
      arguments: call.arguments,
    })),
  };
}

/**
 * The `k` alternatives reported at one position: the scripted ones, or the sampled token first, then made-up
 * ones less likely.
 */
function alternatives(
  token: string,
  logprob: number,
  count: number,
  scripted: FakeChoice["topLogprobs"],
  position: number,
): { token: string; logprob: number }[] {
  const given = scripted?.[position];
  if (given !== undefined) return given.slice(0, count).map((entry) => ({ ...entry }));
  return Array.from({ length: count }, (_, rank) =>
    rank === 0 ? { token, logprob } : { token: `${token}~${rank}`, logprob: logprob - rank },
  );
}

interface ReplyShape {
  readonly endpoint: "chat" | "completions";
  readonly id: string;
  readonly model: string;
  /** Top alternatives asked for, or `undefined` when log-probabilities were not asked for. */
  readonly logprobCount: number | undefined;
}

function logprobRequest(endpoint: "chat" | "completions", body: Readonly<Record<string, unknown>>) {
  if (endpoint === "chat") {
    if (body.logprobs !== true) return undefined;
    return typeof body.top_logprobs === "number" ? body.top_logprobs : 0;
  }
  return typeof body.logprobs === "number" ? body.logprobs : undefined;
}

function chatLogprobEntries(choice: RenderedChoice, from: number, to: number, topCount: number) {
  return choice.tokens.slice(from, to).map((token, offset) => {
    const logprob = choice.logprobs[from + offset] ?? 0;
    return {
      token,
      logprob,
      bytes: [...Buffer.from(token, "utf8")],
      top_logprobs: alternatives(token, logprob, topCount, choice.topLogprobs, from + offset),
    };
  });
}

function completionLogprobs(choice: RenderedChoice, from: number, to: number, topCount: number) {
  const tokens = choice.tokens.slice(from, to);
  const logprobs = choice.logprobs.slice(from, to);
  let offset = choice.tokens.slice(0, from).join("").length;
  const textOffsets = tokens.map((token) => {
    const start = offset;
    offset += token.length;
    return start;
  });
  return {
    tokens,
    token_logprobs: logprobs,
    top_logprobs: tokens.map((token, position) =>
      Object.fromEntries(
        alternatives(token, logprobs[position] ?? 0, topCount, choice.topLogprobs, from + position).map(
          (entry) => [entry.token, entry.logprob],
        ),
      ),
    ),
    text_offset: textOffsets,
  };
}

function usageBody(
  usage: FakeCompletionReply["usage"],
  prompt: string,
  choices: readonly RenderedChoice[],
): Record<string, unknown> | undefined {
  if (usage === null) return undefined;
  const promptTokens =
    usage?.promptTokens === undefined ? Math.max(1, splitTokens(prompt.trim()).length) : usage.promptTokens;
  const completionTokens =
    usage?.completionTokens === undefined
      ? choices.reduce((sum, choice) => sum + choice.tokens.length, 0)
      : usage.completionTokens;
  const body: Record<string, unknown> = {};
  if (promptTokens !== null) body.prompt_tokens = promptTokens;
  if (completionTokens !== null) body.completion_tokens = completionTokens;
  if (promptTokens !== null && completionTokens !== null) body.total_tokens = promptTokens + completionTokens;
  if (usage?.reasoningTokens !== undefined) {
    body.completion_tokens_details = { reasoning_tokens: usage.reasoningTokens };
  }
  if (usage?.cachedPromptTokens !== undefined) {
    body.prompt_tokens_details = { cached_tokens: usage.cachedPromptTokens };
  }
  return body;
}

function wholeResponse(
  shape: ReplyShape,
  choices: readonly RenderedChoice[],
  usage: Record<string, unknown> | undefined,
  withLogprobs: boolean,
) {
  const created = Math.floor(Date.now() / 1000);
  const topCount = shape.logprobCount ?? 0;
  if (shape.endpoint === "chat") {
    return {
      id: shape.id,
      object: "chat.completion",
      created,
      model: shape.model,
      choices: choices.map((choice) => ({
        index: choice.index,
        message: {
          ...(choice.toolCalls.length === 0
            ? { role: "assistant", content: choice.tokens.join("") }
            : {
                role: "assistant",
                content: choice.tokens.length === 0 ? null : choice.tokens.join(""),
                tool_calls: choice.toolCalls.map((call) => ({
                  id: call.id,
                  type: "function",
                  function: { name: call.name, arguments: call.arguments },
                })),
              }),
          ...(choice.reasoning === undefined ? {} : { reasoning_content: choice.reasoning }),
        },
        logprobs: withLogprobs
          ? { content: chatLogprobEntries(choice, 0, choice.tokens.length, topCount) }
          : null,
        finish_reason: choice.finishReason,
        ...stopReasonOf(choice),
      })),
      ...(usage === undefined ? {} : { usage }),
    };
  }
  return {
    id: shape.id,
    object: "text_completion",
    created,
    model: shape.model,
    choices: choices.map((choice) => ({
      index: choice.index,
      text: choice.tokens.join(""),
      logprobs: withLogprobs ? completionLogprobs(choice, 0, choice.tokens.length, topCount) : null,
      finish_reason: choice.finishReason,
      ...stopReasonOf(choice),
    })),
    ...(usage === undefined ? {} : { usage }),
  };
}

/** A choice's `stop_reason` field, when the script gives one. */
function stopReasonOf(choice: RenderedChoice): { stop_reason?: string | number | null } {
  return choice.stopReason === undefined ? {} : { stop_reason: choice.stopReason };
}

function chunkOf(shape: ReplyShape, choices: readonly Record<string, unknown>[], extra: object = {}) {
  return {
    id: shape.id,
    object: shape.endpoint === "chat" ? "chat.completion.chunk" : "text_completion",
    created: Math.floor(Date.now() / 1000),
    model: shape.model,
    choices,
    ...extra,
  };
}

/** A usage body as it stood after `generated` tokens: the prompt counts, and those tokens. */
function usageSoFar(usage: Record<string, unknown>, generated: number): Record<string, unknown> {
  const prompt = usage.prompt_tokens;
  return {
    ...(typeof prompt === "number" ? { prompt_tokens: prompt, total_tokens: prompt + generated } : {}),
    completion_tokens: generated,
    ...(usage.prompt_tokens_details === undefined
      ? {}
      : { prompt_tokens_details: usage.prompt_tokens_details }),
  };
}

/** The stream of events for a reply: each entry is one `data:` payload and whether it carries a token. */
function streamEvents(
  shape: ReplyShape,
  choices: readonly RenderedChoice[],
  usage: Record<string, unknown> | undefined,
  withLogprobs: boolean,
  includeUsage: boolean,
  continuousUsage: boolean,
): { data: string; token: boolean }[] {
  const events: { data: string; token: boolean }[] = [];
  let generated = 0;
  const topCount = shape.logprobCount ?? 0;
  const push = (payload: object, token: boolean) => events.push({ data: JSON.stringify(payload), token });
  if (shape.endpoint === "chat") {
    for (const choice of choices) {
      push(
        chunkOf(shape, [
          {
            index: choice.index,
            delta: { role: "assistant", content: "" },
            logprobs: null,
            finish_reason: null,
          },
        ]),
        false,
      );
      for (const piece of splitTokens(choice.reasoning ?? "")) {
        push(
          chunkOf(shape, [
            { index: choice.index, delta: { reasoning_content: piece }, logprobs: null, finish_reason: null },
          ]),
          false,
        );
      }
    }
  }
  const longest = Math.max(0, ...choices.map((choice) => choice.tokens.length));
  for (let position = 0; position < longest; position += 1) {
    for (const choice of choices) {
      const token = choice.tokens[position];
      if (token === undefined) continue;
      const logprobs = withLogprobs
        ? shape.endpoint === "chat"
          ? { content: chatLogprobEntries(choice, position, position + 1, topCount) }
          : completionLogprobs(choice, position, position + 1, topCount)
        : null;
      const delta =
        shape.endpoint === "chat"
          ? { index: choice.index, delta: { content: token }, logprobs, finish_reason: null }
          : { index: choice.index, text: token, logprobs, finish_reason: null };
      generated += 1;
      const extra = continuousUsage && usage !== undefined ? { usage: usageSoFar(usage, generated) } : {};
      push(chunkOf(shape, [delta], extra), true);
    }
  }
  if (shape.endpoint === "chat") {
    for (const choice of choices) {
      for (const [position, call] of choice.toolCalls.entries()) {
        const half = Math.floor(call.arguments.length / 2);
        const pieces = [
          { index: position, id: call.id, type: "function", function: { name: call.name, arguments: "" } },
          { index: position, function: { arguments: call.arguments.slice(0, half) } },
          { index: position, function: { arguments: call.arguments.slice(half) } },
        ];
        for (const piece of pieces) {
          push(
            chunkOf(shape, [
              { index: choice.index, delta: { tool_calls: [piece] }, logprobs: null, finish_reason: null },
            ]),
            false,
          );
        }
      }
    }
  }
  for (const choice of choices) {
    const finish =
      shape.endpoint === "chat"
        ? {
            index: choice.index,
            delta: {},
            logprobs: null,
            finish_reason: choice.finishReason,
            ...stopReasonOf(choice),
          }
        : {
            index: choice.index,
            text: "",
            logprobs: null,
            finish_reason: choice.finishReason,
            ...stopReasonOf(choice),
          };
    push(chunkOf(shape, [finish]), false);
  }
  if (includeUsage && usage !== undefined) push(chunkOf(shape, [], { usage }), false);
  return events;
}

function errorBody(status: number, message: string) {
  const type =
    status === 401 ? "authentication_error" : status >= 500 ? "server_error" : "invalid_request_error";
  return JSON.stringify({ error: { message, type, param: null, code: null } });
}

function isErrorReply(reply: FakeReply): reply is FakeErrorReply {
  return typeof reply === "object" && "status" in reply;
}

function isFaultReply(reply: FakeReply): reply is FakeFaultReply {
  return typeof reply === "object" && "fault" in reply;
}

/**
 * Starts a real HTTP server on 127.0.0.1 (a free port) that speaks the OpenAI API: `/v1/chat/completions`
 * and `/v1/completions` (streaming or not, with `n` and log-probabilities) and `/v1/models`. Replies come
 * from a queue, then from a handler of the request; faults (error statuses with `retry-after`, connection
 * resets, cut, stalled or unterminated streams, hangs, refused `n`) are scripted per reply. Every request
 * is recorded, and client disconnects are counted.
 *
 * @throws ConfigError (a rejection, before any port is taken) for an option key it does not take, usually
 * a typo: `startFakeOpenAIServer: modle: unknown key (startFakeOpenAIServer takes replies, handler, …)`.
 * @example
 * const server = await startFakeOpenAIServer({
 *   replies: [{ status: 429, retryAfter: "1" }],
 *   handler: (request) => ({ choices: Array.from({ length: request.n }, (_, index) => `answer ${index}`) }),
 * });
 * // ... point a backend at server.url ...
 * await server.close();
 */
export async function startFakeOpenAIServer(
  options: FakeOpenAIServerOptions = {},
): Promise<FakeOpenAIServer> {
  checkOptionKeys(options);
  const queue: FakeReply[] = [...(options.replies ?? [])];
  let handler: FakeHandler =
    options.handler ?? ((request) => ({ choices: Array.from({ length: request.n }, () => "ok") }));
  const model = options.model ?? "fake-model";
  const requests: FakeOpenAIRequest[] = [];
  const sockets = new Set<Socket>();
  const open = new Set<ServerResponse>();
  let abortedRequests = 0;
  const generationResponses = new WeakSet<ServerResponse>();
  let generationsStarted = 0;
  let generationsCompleted = 0;
  let generationsAborted = 0;
  let closing = false;
  let nextId = 0;

  /** Responses the server itself closed early (resets, cuts): not client aborts. */
  const closedByServer = new WeakSet<ServerResponse>();

  const readBody = (incoming: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      const parts: Buffer[] = [];
      incoming.on("data", (part: Buffer) => parts.push(part));
      incoming.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
      incoming.on("error", reject);
    });

  const sendJson = (
    response: ServerResponse,
    status: number,
    body: string,
    headers: Record<string, string> = {},
  ) => {
    response.writeHead(status, { "content-type": "application/json", ...headers });
    response.end(body);
  };

  const destroy = (response: ServerResponse, reset: boolean) => {
    closedByServer.add(response);
    const socket = response.socket;
    if (reset && socket !== null && typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
    else response.destroy();
  };

  const deliver = async (
    response: ServerResponse,
    request: FakeOpenAIRequest,
    endpoint: "chat" | "completions",
    reply: FakeCompletionReply,
  ) => {
    const body = request.body ?? {};
    const asked = logprobRequest(endpoint, body);
    const withLogprobs = asked !== undefined && options.omitLogprobs !== true && reply.omitLogprobs !== true;
    const shape: ReplyShape = {
      endpoint,
      id: `fake-${nextId++}`,
      model: reply.model ?? model,
      logprobCount: asked,
    };
    const choices = reply.choices.map(renderChoice);
    const usage = usageBody(reply.usage, request.prompt, choices);
    const delivery = reply.delivery ?? {};
    if (delivery.headerDelayMilliseconds !== undefined) await sleep(delivery.headerDelayMilliseconds);
    if (response.destroyed) return;
    const streamOptions = body.stream_options;
    const includeUsage =
      typeof streamOptions === "object" &&
      streamOptions !== null &&
      (streamOptions as Record<string, unknown>).include_usage === true;

    if (!request.stream) {
      const text = JSON.stringify(wholeResponse(shape, choices, usage, withLogprobs));
      const cutAt = delivery.cutAfterTokens ?? delivery.stallAfterTokens;
      if (cutAt === undefined) {
        sendJson(response, 200, text);
        return;
      }
      // A body cut (or stalled) part-way: the length promises more than is sent.
      response.writeHead(200, {
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(text)),
      });
      await writeFlushed(response, text.slice(0, Math.floor(text.length / 2)));
      if (delivery.cutAfterTokens !== undefined) destroy(response, false);
      return;
    }

    response.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    response.flushHeaders();
    let tokensSent = 0;
    let lastWrite: Promise<void> = Promise.resolve();
    const events = streamEvents(
      shape,
      choices,
      usage,
      withLogprobs,
      includeUsage,
      delivery.continuousUsage === true,
    );
    for (const event of events) {
      if (response.destroyed) return;
      if (event.token) {
        if (delivery.cutAfterTokens !== undefined && tokensSent >= delivery.cutAfterTokens) {
          // Let what was written reach the client first, so the cut falls after exactly K tokens.
          await lastWrite;
          destroy(response, false);
          return;
        }
        if (delivery.stallAfterTokens !== undefined && tokensSent >= delivery.stallAfterTokens) return;
        if (delivery.tokenDelayMilliseconds !== undefined && tokensSent > 0) {
          await sleep(delivery.tokenDelayMilliseconds);
          if (response.destroyed) return;
        }
        tokensSent += 1;
      }
      lastWrite = writeFlushed(response, `data: ${event.data}\n\n`);
    }
    // Held open: the response stays unfinished (counted open) until the client or `close()` ends it.
    if (delivery.holdOpenWithoutDone === true) return;
    if (delivery.omitDone !== true) response.write("data: [DONE]\n\n");
    response.end();
  };

  const answer = async (incoming: IncomingMessage, response: ServerResponse) => {
    const rawBody = await readBody(incoming);
    const url = new URL(incoming.url ?? "/", "http://127.0.0.1");
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(incoming.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    let body: Record<string, unknown> | undefined;
    let bodyError: string | undefined;
    if (rawBody.length > 0) {
      try {
        const parsed: unknown = JSON.parse(rawBody);
        if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
          body = parsed as Record<string, unknown>;
        } else {
          bodyError = "the body must be a JSON object";
        }
      } catch {
        bodyError = "the body is not valid JSON";
      }
    }
    const request: FakeOpenAIRequest = {
      index: requests.length,
      method: incoming.method ?? "GET",
      path: url.pathname,
      endpoint: endpointOf(url.pathname),
      headers,
      body,
      n: typeof body?.n === "number" ? body.n : 1,
      stream: body?.stream === true,
      prompt: promptOf(body),
      receivedAt: performance.now(),
    };
    if (url.pathname === "/props" || url.pathname === "/version") {
      const answer =
        url.pathname === "/props"
          ? options.props
          : options.version === undefined
            ? undefined
            : { version: options.version };
      if (answer === undefined) sendJson(response, 404, errorBody(404, `no route for ${url.pathname}`));
      else sendJson(response, 200, JSON.stringify(answer));
      return;
    }
    requests.push(request);
    if (request.endpoint === "chat" || request.endpoint === "completions") {
      generationResponses.add(response);
      generationsStarted += 1;
    }

    if (options.apiKey !== undefined && headers.authorization !== `Bearer ${options.apiKey}`) {
      const given = headers.authorization?.replace(/^Bearer /, "") ?? "";
      sendJson(response, 401, errorBody(401, `Incorrect API key provided: ${given}`));
      return;
    }
    if (request.endpoint === "models") {
      sendJson(
        response,
        200,
        JSON.stringify({
          object: "list",
          data: (options.models ?? [model]).map((id) => ({ id, object: "model", owned_by: "fake" })),
        }),
      );
      return;
    }
    if (request.endpoint === "other" || request.method !== "POST") {
      sendJson(response, 404, errorBody(404, `no route for ${request.method} ${request.path}`));
      return;
    }
    if (bodyError !== undefined || body === undefined) {
      sendJson(response, 400, errorBody(400, bodyError ?? "a JSON body is required"));
      return;
    }
    if (options.refuseN === true && request.n > 1) {
      sendJson(response, 400, errorBody(400, `n must be 1, got ${request.n}`));
      return;
    }

    const reply = queue.length > 0 ? (queue.shift() as FakeReply) : await handler(request);
    if (isFaultReply(reply)) {
      if (reply.fault === "reset") destroy(response, true);
      // A hang leaves the response open until the client leaves or the server closes.
      return;
    }
    if (isErrorReply(reply)) {
      const errorHeaders: Record<string, string> = { ...(reply.headers ?? {}) };
      if (reply.retryAfter !== undefined) errorHeaders["retry-after"] = reply.retryAfter;
      if (reply.retryAfterMilliseconds !== undefined) {
        errorHeaders["retry-after-ms"] = String(reply.retryAfterMilliseconds);
      }
      sendJson(
        response,
        reply.status,
        errorBody(reply.status, reply.message ?? `fake error ${reply.status}`),
        errorHeaders,
      );
      return;
    }
    const completion: FakeCompletionReply =
      typeof reply === "string" ? { choices: Array.from({ length: request.n }, () => reply) } : reply;
    await deliver(response, request, request.endpoint, completion);
  };

  const server = createServer((incoming, response) => {
    open.add(response);
    response.on("close", () => {
      open.delete(response);
      const byClient = !response.writableFinished && !closedByServer.has(response) && !closing;
      if (byClient) abortedRequests += 1;
      if (generationResponses.has(response)) {
        if (byClient) generationsAborted += 1;
        else generationsCompleted += 1;
      }
    });
    answer(incoming, response).catch((error: unknown) => {
      if (response.headersSent) {
        destroy(response, false);
        return;
      }
      sendJson(response, 500, errorBody(500, `fake server handler failed: ${String(error)}`));
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get abortedRequests() {
      return abortedRequests;
    },
    get openRequests() {
      return open.size;
    },
    get generations() {
      return {
        started: generationsStarted,
        completed: generationsCompleted,
        abortedByClient: generationsAborted,
        running: generationsStarted - generationsCompleted - generationsAborted,
      };
    },
    setHandler(next) {
      handler = next;
    },
    enqueue(...replies) {
      queue.push(...replies);
    },
    close() {
      closing = true;
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      });
    },
  };
}
