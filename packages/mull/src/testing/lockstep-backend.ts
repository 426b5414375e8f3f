import { ConfigError } from "../errors/index.ts";
import type {
  Backend,
  BackendCapabilities,
  CallOptions,
  Completion,
  GenerationRequest,
  GenerationResult,
  TokenLogprob,
} from "../spec/index.ts";

/** Options of `createLockstepBackend`. */
export interface LockstepBackendOptions {
  /**
   * The completions, one per call in the order calls start (cycling when they run out); each is written a
   * word-token at a time (a token is a word with the whitespace before it).
   */
  readonly traces: readonly string[];
}

/** A lockstep backend, with what it generated. */
export interface LockstepBackend extends Backend {
  /** Tokens generated per call, in the order calls started (cut calls count up to their cut). */
  readonly generated: readonly number[];
}

const capabilities: BackendCapabilities = {
  n: false,
  logprobs: true,
  topLogprobs: false,
  maxTopLogprobs: undefined,
  promptLogprobs: false,
  score: false,
  seed: true,
  chat: true,
  completion: true,
  continuePrefix: false,
  grammar: false,
  topK: false,
  watchTokens: true,
};

/** Lets every other call in flight write its next token before this one writes again. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A test double whose concurrent single-completion calls write their tokens in lockstep, one token per
 * turn of the event loop, like an engine that batches sequences: calls started together finish in the
 * order of their lengths, and a token watcher (`CallOptions.watch`) sees the others' progress between
 * tokens. Each call takes the next scripted trace; usage counts the tokens written (a cut one's up to its
 * cut), each token's log-probability is −0.1. For tests of strategies that run traces in parallel.
 *
 * @example
 * const backend = createLockstepBackend({ traces: ["a b #### 1", "#### 2"] });
 * // Two calls started together: the second (2 tokens) finishes first.
 */
export function createLockstepBackend(options: LockstepBackendOptions): LockstepBackend {
  if (options.traces.length === 0) {
    throw new ConfigError("createLockstepBackend: traces is empty; expected at least one trace", {
      field: "traces",
    });
  }
  const generated: number[] = [];
  return {
    generated,
    describe: () => ({ kind: "lockstep", model: "lockstep" }),
    capabilities: async () => capabilities,
    async generate(request: GenerationRequest, callOptions?: CallOptions): Promise<GenerationResult> {
      if ((request.n ?? 1) !== 1) {
        throw new ConfigError(`lockstep backend: n ${request.n} is not supported; expected 1`, {
          field: "n",
        });
      }
      const call = generated.length;
      generated.push(0);
      const words = options.traces[call % options.traces.length]!.match(/\s*\S+/g) ?? [];
      const tokens: TokenLogprob[] = [];
      let finishReason: Completion["finishReason"] = "stop";
      for (const word of words) {
        await nextTurn();
        const token = { token: word, logprob: -0.1 };
        tokens.push(token);
        generated[call] = tokens.length;
        if (callOptions?.watch?.(0, token) === "stop") {
          finishReason = "cut";
          break;
        }
        if (callOptions?.signal?.aborted) {
          finishReason = "abort";
          break;
        }
      }
      return {
        completions: [
          {
            index: 0,
            text: tokens.map((token) => token.token).join(""),
            finishReason,
            completionTokens: tokens.length,
            ...(request.logprobs ? { tokens } : {}),
          },
        ],
        usage: { promptTokens: 1, completionTokens: tokens.length, calls: 1 },
        model: "lockstep",
      };
    },
  };
}
