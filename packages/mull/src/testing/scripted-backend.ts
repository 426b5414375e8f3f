import { checkGenerationRequest } from "../backends/index.ts";
import { CapabilityError, ConfigError, DisposedError } from "../errors/index.ts";
import { seededRng, sleep } from "../runtime/index.ts";
import type {
  Backend,
  BackendCapabilities,
  CallOptions,
  Completion,
  FinishReason,
  GenerationRequest,
  GenerationResult,
  Prompt,
  Rng,
  ScoreRequest,
  ScoreResult,
  TokenLogprob,
  TokenWatcher,
} from "../spec/index.ts";
import { strictOptionKeys } from "./strict-option-keys.ts";

/** A scripted completion: its text and, optionally, how it ended and its log-probability. */
export interface ScriptedCompletion {
  /**
   * The completion's text, split into tokens at word starts (unless `tokens` is given); a request's
   * `maxTokens` or a token watcher cuts it as a real backend would.
   */
  readonly text: string;
  /** Why it ended; default `stop` (`length` when `maxTokens` cuts it, `cut` when a watcher stops it). */
  readonly finishReason?: FinishReason | undefined;
  /**
   * Total log-probability of the completion, spread evenly over its tokens when logprobs are asked for.
   * Default: −0.1 per token.
   */
  readonly logprob?: number | undefined;
  /** Exact per-token log-probabilities; they override `logprob`. */
  readonly tokens?: readonly TokenLogprob[] | undefined;
  /** Log-probability of the end token that ended it, reported with the tokens (`Completion.endLogprob`). */
  readonly endLogprob?: number | undefined;
  /**
   * Stall after this many of its tokens until the call is aborted, like a generation that a deadline cuts
   * mid-way (the call needs a signal). The call then rejects with the signal's reason, after handing
   * `CallOptions.onAborted` what it had done: this completion cut after those tokens (finish reason
   * `abort`), the call's other completions as they ended, and the usage of every request it had answered
   * or stalled in, those tokens included.
   */
  readonly stallAfterTokens?: number | undefined;
}

/**
 * Writes one completion. `index` counts completions over the backend's life (0, 1, 2, …); `rng` is the
 * call's generator, seeded by the request's `seed` when it has one.
 */
export type ScriptedResponder = (
  request: GenerationRequest,
  index: number,
  rng: Rng,
) => string | ScriptedCompletion;

/** Answers drawn from a fixed distribution, each written into a short solution. */
export interface ScriptedAnswers {
  /** Probability of each answer; normalised if it does not sum to 1. */
  readonly distribution: Readonly<Record<string, number>>;
  /** The solution text for an answer; default `The answer is <answer>.\n#### <answer>`. */
  readonly render?: ((answer: string) => string) | undefined;
}

/** Options of `createScriptedBackend`: exactly one of `responses`, `respond` or `answers`. */
export interface ScriptedBackendOptions {
  /** Completions returned in turn, cycling when the list runs out. */
  readonly responses?: readonly (string | ScriptedCompletion)[] | undefined;
  /** A function that writes each completion. */
  readonly respond?: ScriptedResponder | undefined;
  /**
   * Answers drawn from a distribution with the call's seeded generator (at temperature 0: the most
   * likely answer). A drawn answer's log-probability is log p(answer), so sequence probabilities follow
   * the distribution.
   */
  readonly answers?: ScriptedAnswers | undefined;
  /** Overrides of the default capabilities (which are all on except `grammar` and `promptLogprobs`). */
  readonly capabilities?: Partial<BackendCapabilities> | undefined;
  /** Whether usage counts are reported; default `reported` (one token per whitespace-separated word). */
  readonly usage?: "reported" | "unreported" | undefined;
  /** Model name; default `scripted`. */
  readonly model?: string | undefined;
  /** Seed of the generator used for requests without a `seed`; default 0. */
  readonly seed?: number | undefined;
  /** Runs before each request is answered (e.g. to move a test clock or abort); may be async. */
  readonly onCall?: ((request: GenerationRequest, callIndex: number) => void | Promise<void>) | undefined;
  /** Real milliseconds each request takes; the wait ends early on abort. */
  readonly delayMilliseconds?: number | undefined;
}

/** One request the scripted backend received. */
export interface ScriptedCall {
  /** The request as received (for a fan-out, each request has `n: 1`). */
  readonly request: GenerationRequest;
  /** Whether the caller passed a signal. */
  readonly hadSignal: boolean;
}

/** The scripted backend: a `Backend` that also shows what it was asked. */
export interface ScriptedBackend extends Backend {
  /** Every request received, in order (a fanned-out `n` appears as `n` requests). */
  readonly calls: readonly ScriptedCall[];
  /** Every `score` request received, in order. */
  readonly scoreCalls: readonly ScoreRequest[];
}

const defaultCapabilities: BackendCapabilities = {
  n: true,
  logprobs: true,
  topLogprobs: true,
  maxTopLogprobs: 20,
  promptLogprobs: false,
  score: true,
  seed: true,
  chat: true,
  completion: true,
  continuePrefix: true,
  grammar: false,
  topK: true,
  watchTokens: true,
};

const defaultTokenLogprob = -0.1;

const checkOptionKeys = strictOptionKeys<ScriptedBackendOptions>("createScriptedBackend", {
  responses: true,
  respond: true,
  answers: true,
  capabilities: true,
  usage: true,
  model: true,
  seed: true,
  onCall: true,
  delayMilliseconds: true,
});

/** Splits text into word tokens, each keeping the whitespace before it. */
function tokenize(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

function promptText(prompt: Prompt): string {
  return prompt.kind === "text" ? prompt.text : prompt.messages.map((message) => message.content).join("\n");
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

/** Resolves once `signal` is aborted. */
function abortOf(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

/**
 * A completion as a request's `maxTokens` lets it be written, as a real backend writes it: one longer
 * than that ends after `maxTokens` of its tokens, with finish reason `length` and the text those tokens
 * spell (and no end token's log-probability); its stall, if any, only where it comes before that end.
 */
function withinMaxTokens(
  scripted: ScriptedCompletion,
  tokens: TokenLogprob[],
  maxTokens: number | undefined,
): { completion: ScriptedCompletion; tokens: TokenLogprob[]; stallAt: number | undefined } {
  const stall = scripted.stallAfterTokens;
  if (maxTokens === undefined || tokens.length <= maxTokens) {
    return { completion: scripted, tokens, stallAt: stall };
  }
  const kept = tokens.slice(0, maxTokens);
  const { endLogprob: _endLogprob, ...rest } = scripted;
  return {
    completion: { ...rest, text: kept.map((token) => token.token).join(""), finishReason: "length" },
    tokens: kept,
    stallAt: stall !== undefined && stall < maxTokens ? stall : undefined,
  };
}

/** What one request wrote, and whether it stalled until the call was aborted. */
interface AnsweredRequest {
  readonly written: readonly Omit<Completion, "index">[];
  readonly stalled: boolean;
}

function answerResponder(answers: ScriptedAnswers): ScriptedResponder {
  const entries = Object.entries(answers.distribution);
  for (const [answer, probability] of entries) {
    if (!(probability >= 0) || !Number.isFinite(probability)) {
      throw new ConfigError(
        `answers.distribution[${JSON.stringify(answer)}]: expected a probability ≥ 0, got ${probability}`,
        { field: `answers.distribution.${answer}` },
      );
    }
  }
  const total = entries.reduce((sum, [, probability]) => sum + probability, 0);
  if (entries.length === 0 || total <= 0) {
    throw new ConfigError("answers.distribution: expected at least one answer with a positive probability", {
      field: "answers.distribution",
    });
  }
  const render = answers.render ?? ((answer: string) => `The answer is ${answer}.\n#### ${answer}`);
  let mode = entries[0]!;
  for (const entry of entries) if (entry[1] > mode[1]) mode = entry;
  return (request, _index, rng) => {
    let chosen = mode;
    if (request.temperature !== 0) {
      let draw = rng.next() * total;
      for (const entry of entries) {
        chosen = entry;
        draw -= entry[1];
        if (draw < 0) break;
      }
    }
    return { text: render(chosen[0]), logprob: Math.log(chosen[1] / total) };
  };
}

/**
 * A deterministic test double implementing `Backend`. It writes completions from a list, a function or a
 * distribution of answers; supports `n` (natively, or by fanning out into `n` requests when
 * `capabilities.n` is off), synthetic log-probabilities and `score()`; refuses a request that every real
 * backend refuses (`checkGenerationRequest`: `generate: request.temperature must be a number ≥ 0, got
 * -1`, a `maxTokens` of 0, a `topP` above 1, a lone `stop` string); honours abort signals and token
 * watchers (a watcher's `stop` cuts the completion after that token: its text becomes the kept tokens'
 * texts joined, its finish reason `cut`, and usage counts the kept tokens); honours `maxTokens` as a real
 * backend does (a completion of more tokens, one a whitespace-separated word each, ends after
 * `maxTokens` of them, its text those tokens' texts joined, with finish reason `length`); reports usage with
 * the prompt's word tokens once per request, or once per completion under `capabilities.promptPerCompletion`
 * (as the embedded engine charges them); stalls a completion mid-way
 * until the call is aborted (`stallAfterTokens`), then reports what was done to `CallOptions.onAborted`;
 * and records every request in `calls`.
 *
 * @throws ConfigError for an option key it does not take, usually a typo (`createScriptedBackend: modle:
 * unknown key (createScriptedBackend takes responses, respond, answers, …)`), for not exactly one of
 * `responses`, `respond` or `answers`, for empty `responses`, and for an `answers.distribution` without a
 * positive probability.
 * @example
 * const backend = createScriptedBackend({ answers: { distribution: { "12": 0.6, "13": 0.4 } } });
 * const result = await solve({ problem: "7+5=?", strategy: "sc@8", backend, seed: 1 });
 */
export function createScriptedBackend(options: ScriptedBackendOptions): ScriptedBackend {
  checkOptionKeys(options);
  const sources = [options.responses, options.respond, options.answers].filter(
    (source) => source !== undefined,
  );
  if (sources.length !== 1) {
    throw new ConfigError(
      `createScriptedBackend: expected exactly one of responses, respond or answers, got ${sources.length}`,
      { field: "responses" },
    );
  }
  if (options.responses?.length === 0) {
    throw new ConfigError("createScriptedBackend: responses is empty; expected at least one response", {
      field: "responses",
    });
  }
  const responses = options.responses;
  const respond: ScriptedResponder =
    options.respond ??
    (options.answers === undefined
      ? (_request, index) => responses![index % responses!.length]!
      : answerResponder(options.answers));
  const capabilities: BackendCapabilities = { ...defaultCapabilities, ...options.capabilities };
  const model = options.model ?? "scripted";
  const reportUsage = (options.usage ?? "reported") === "reported";
  const ownRng = seededRng(options.seed ?? 0);
  const calls: ScriptedCall[] = [];
  const scoreCalls: ScoreRequest[] = [];
  let completionIndex = 0;
  let disposed = false;

  const ensureUsable = (): void => {
    if (disposed) throw new DisposedError(`scripted backend "${model}"`);
  };

  const synthesizeTokens = (completion: ScriptedCompletion, request: GenerationRequest): TokenLogprob[] => {
    if (completion.tokens !== undefined) return [...completion.tokens];
    const words = tokenize(completion.text);
    const each = completion.logprob === undefined ? defaultTokenLogprob : completion.logprob / words.length;
    const alternatives = Math.min(request.topLogprobs ?? 0, capabilities.maxTopLogprobs ?? 0);
    return words.map((token) => ({
      token,
      logprob: each,
      ...(alternatives > 0
        ? {
            topLogprobs: [
              { token, logprob: each },
              ...Array.from({ length: alternatives - 1 }, (_, rank) => ({
                token: `<alt${rank + 1}>`,
                logprob: each - (rank + 1),
              })),
            ],
          }
        : {}),
    }));
  };

  /**
   * Hands a completion's tokens to the watcher in order; at a `stop` it ends there: finish reason `cut`,
   * the text those tokens spell, and only those tokens.
   */
  const watched = (
    completion: ScriptedCompletion,
    tokens: TokenLogprob[],
    watch: ((token: TokenLogprob) => "continue" | "stop") | undefined,
  ): { completion: ScriptedCompletion; tokens: TokenLogprob[] } => {
    if (watch === undefined) return { completion, tokens };
    const cut = tokens.findIndex((token) => watch(token) === "stop");
    if (cut < 0) return { completion, tokens };
    const kept = tokens.slice(0, cut + 1);
    const text = kept.map((token) => token.token).join("");
    return { completion: { ...completion, text, finishReason: "cut" }, tokens: kept };
  };

  // One request: `count` completions, with the generator of this request. A request with a stalled
  // completion waits for the abort, then comes back `stalled` with what it had written.
  const answer = async (
    request: GenerationRequest,
    count: number,
    signal: AbortSignal | undefined,
    watch: TokenWatcher | undefined,
  ): Promise<AnsweredRequest> => {
    const callIndex = calls.length;
    calls.push({ request, hadSignal: signal !== undefined });
    if (signal?.aborted) throw abortError(signal);
    await options.onCall?.(request, callIndex);
    if (options.delayMilliseconds !== undefined) await sleep(options.delayMilliseconds, signal);
    if (signal?.aborted) throw abortError(signal);
    const rng = capabilities.seed && request.seed !== undefined ? seededRng(request.seed) : ownRng;
    const wantLogprobs =
      capabilities.logprobs && (request.logprobs === true || (request.topLogprobs ?? 0) > 0);
    const written: Omit<Completion, "index">[] = [];
    let stalled = false;
    for (let position = 0; position < count; position += 1) {
      const raw = respond(request, completionIndex, rng);
      completionIndex += 1;
      const scripted: ScriptedCompletion = typeof raw === "string" ? { text: raw } : raw;
      const stall = scripted.stallAfterTokens;
      if (stall !== undefined && !(Number.isInteger(stall) && stall >= 0)) {
        throw new ConfigError(`stallAfterTokens: expected an integer ≥ 0, got ${stall}`, {
          field: "stallAfterTokens",
        });
      }
      const {
        completion: limited,
        tokens: allowed,
        stallAt,
      } = withinMaxTokens(scripted, synthesizeTokens(scripted, request), request.maxTokens);
      const { completion, tokens } = watched(
        limited,
        stallAt === undefined ? allowed : allowed.slice(0, stallAt),
        watch === undefined ? undefined : (token) => watch(position, token),
      );
      // A watcher's cut before the stall ends the completion; otherwise it stalls where it got to.
      const stalls = stallAt !== undefined && completion.finishReason !== "cut";
      stalled ||= stalls;
      written.push({
        text: stalls ? tokens.map((token) => token.token).join("") : completion.text,
        finishReason: stalls ? "abort" : (completion.finishReason ?? "stop"),
        completionTokens: reportUsage ? tokens.length : undefined,
        ...(wantLogprobs ? { tokens } : {}),
        ...(wantLogprobs &&
        !stalls &&
        completion.endLogprob !== undefined &&
        completion.finishReason !== "cut"
          ? { endLogprob: completion.endLogprob }
          : {}),
      });
    }
    if (stalled) {
      if (signal === undefined) {
        throw new ConfigError(
          "stallAfterTokens: a stalled completion waits for the call to be aborted; expected a call with a signal",
          { field: "stallAfterTokens" },
        );
      }
      await abortOf(signal);
    }
    return { written, stalled };
  };

  /** The result of the requests answered: their completions in order (a fan-out's at their part's index). */
  const resultOf = (
    request: GenerationRequest,
    answered: readonly { readonly first: number; readonly request: AnsweredRequest }[],
  ): GenerationResult => {
    const completions = answered.flatMap(({ first, request: part }) =>
      part.written.map((completion, offset) => ({ ...completion, index: first + offset })),
    );
    const promptTokens = tokenize(promptText(request.prompt)).length;
    const requests = answered.length;
    return {
      completions,
      model,
      usage: reportUsage
        ? {
            // Once per request, or once per completion where the capabilities say it charges so.
            promptTokens:
              promptTokens * (capabilities.promptPerCompletion === true ? completions.length : requests),
            completionTokens: completions.reduce(
              (sum, completion) => sum + (completion.completionTokens ?? 0),
              0,
            ),
            calls: requests,
          }
        : { promptTokens: undefined, completionTokens: undefined, calls: requests },
    };
  };

  const backend: ScriptedBackend = {
    calls,
    scoreCalls,
    describe: () => ({ kind: "scripted", model }),
    capabilities: async () => {
      ensureUsable();
      return capabilities;
    },
    async generate(request: GenerationRequest, callOptions?: CallOptions): Promise<GenerationResult> {
      ensureUsable();
      // Refuses what every real backend refuses, so a test fails where production would.
      checkGenerationRequest(request, "generate", "request");
      const n = request.n ?? 1;
      const signal = callOptions?.signal;
      const watch = callOptions?.watch;
      if (watch !== undefined && !capabilities.watchTokens) {
        throw new CapabilityError("watchTokens", "a token watcher", `the scripted backend (model ${model})`);
      }
      // Without native `n`, fan out like an HTTP backend: one request per completion, in parallel.
      const parts = capabilities.n
        ? [answer(request, n, signal, watch)]
        : Array.from({ length: n }, (_, part) =>
            answer(
              { ...request, n: 1, ...(request.seed === undefined ? {} : { seed: request.seed + part }) },
              1,
              signal,
              watch === undefined ? undefined : (_, token) => watch(part, token),
            ),
          );
      const settled = await Promise.allSettled(parts);
      const answered = settled.flatMap((outcome, part) =>
        outcome.status === "fulfilled" ? [{ first: capabilities.n ? 0 : part, request: outcome.value }] : [],
      );
      const failed = settled.find((outcome) => outcome.status === "rejected");
      if (signal?.aborted && (failed !== undefined || answered.some((entry) => entry.request.stalled))) {
        // Requests answered before the abort, or stalled in it, did their work: say what it was.
        if (answered.length > 0) callOptions?.onAborted?.(resultOf(request, answered));
        throw abortError(signal);
      }
      if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
      return resultOf(request, answered);
    },
    async dispose() {
      disposed = true;
    },
  };
  if (capabilities.score) {
    backend.score = async (request: ScoreRequest, callOptions?: CallOptions): Promise<ScoreResult> => {
      ensureUsable();
      scoreCalls.push(request);
      if (callOptions?.signal?.aborted) throw abortError(callOptions.signal);
      const tokens = tokenize(request.continuation).map((token) => ({ token, logprob: defaultTokenLogprob }));
      return {
        tokens,
        logprob: tokens.reduce((sum, token) => sum + token.logprob, 0),
        usage: {
          promptTokens: reportUsage ? tokenize(promptText(request.prompt)).length + tokens.length : undefined,
          completionTokens: reportUsage ? 0 : undefined,
          calls: 1,
        },
      };
    };
  }
  return backend;
}
