import { expecting, integerSchema, parseOptions, z } from "mull/runtime";
import {
  type ParsedSpeculativeOptions,
  type SpeculativeOptions,
  speculativeOptionsSchema,
} from "./speculative-options.ts";

/** Options of `createLlamaCppBackend`. */
export interface LlamaCppBackendOptions {
  /** A lab model name (`lab-small`, `lab-large`, or any name in `models/models.json`) or a path to a `.gguf` file. */
  readonly model: string;
  /**
   * CPU threads for evaluation, in each context; default 1. Always explicit: node-llama-cpp's default (every
   * core) made a tiny model about 40 times slower on a 2-core machine, where threads fight over cores for
   * microsecond-sized work.
   */
  readonly threads?: number | undefined;
  /** Sequences evaluated in parallel in one context (batched together); default 16. More completions queue. */
  readonly sequences?: number | undefined;
  /**
   * llama.cpp contexts of the one loaded model, each with `threads` threads and its own `sequences`, decoding at
   * the same time; default 1. Each call runs in one context, the least loaded (among equals, the one that
   * already caches most of its prompt), so a second context lets concurrent calls use a second core where more
   * threads per context do not help. Contexts times threads must stay within node-llama-cpp's thread limit
   * (the larger of 4 and the cores it counts). Not combined with `speculative`.
   */
  readonly contexts?: number | undefined;
  /** Context size of each sequence, in tokens (prompt plus completion); default the model's training context, at most 4096. */
  readonly contextSize?: number | undefined;
  /** Only CPU is supported: `false` or absent. */
  readonly gpu?: false | undefined;
  /**
   * Seed for requests that carry none: a number (every such request reuses it, for fully reproducible runs) or a
   * function called once per request. Default: a fresh random seed per request.
   */
  readonly seedFallback?: number | (() => number) | undefined;
  /**
   * Evaluate a prompt shared by several parallel completions once and copy its KV cache to the other sequences
   * (default true). Falls back to evaluating per sequence when node-llama-cpp cannot copy.
   */
  readonly prefixSharing?: boolean | undefined;
  /**
   * Speculative decoding of greedy requests: a draft model (`{ kind: "draft", model: "lab-small" }`) or prompt
   * lookup (`{ kind: "prompt-lookup" }`) predicts tokens ahead, which the model checks in one batched evaluation.
   * Greedy texts stay exactly those of the plain backend; sampled requests (temperature above 0) decode without
   * it, because checking predicted tokens consumes sampler randomness and would change a seed's text. Default off.
   */
  readonly speculative?: SpeculativeOptions | undefined;
  /** Aborts loading. */
  readonly signal?: AbortSignal | undefined;
}

/** The settings a backend runs with, defaults resolved. */
export interface LlamaCppBackendSettings {
  /** Absolute path of the loaded `.gguf` file (a lab model name resolved to its shipped file). */
  readonly modelPath: string;
  /** CPU threads for evaluation, in each context. */
  readonly threads: number;
  /** Sequences evaluated in parallel in each context; more completions queue. */
  readonly sequences: number;
  /** Contexts of the model decoding side by side, each with `threads` threads and `sequences` sequences. */
  readonly contexts: number;
  /**
   * Tokens each sequence holds, prompt plus completion, as llama.cpp made the context (it may round up the
   * asked size; default the model's training context, at most 4096).
   */
  readonly contextSize: number;
  /** Whether a prompt shared by parallel completions is evaluated once and its KV cache copied to the others. */
  readonly prefixSharing: boolean;
  /** Speculative decoding, defaults filled in; `undefined` when off. */
  readonly speculative: ParsedSpeculativeOptions | undefined;
}

/** The factory's name, which starts every message about its options. */
const llamaCppBackendOwner = "createLlamaCppBackend";

const seedFallbackSchema = z.custom<number | (() => number)>(
  (value) => typeof value === "function" || Number.isSafeInteger(value),
  { error: expecting("a safe integer or a function") },
);

/**
 * The factory's options with their defaults; `contextSize` has none here because it depends on the model.
 * Strict: an unknown key (`thread`) is a typo, refused rather than ignored.
 */
const llamaCppBackendOptionsSchema = z.strictObject(
  {
    // Checked by resolveModelPath, whose message lists the lab model names; here only its presence.
    model: z
      .custom<string>()
      .describe(
        "a path to a .gguf file or a lab model name (lab-small, lab-large, or one in models/models.json)",
      ),
    threads: integerSchema({ minimum: 1, maximum: 256 }).default(1),
    sequences: integerSchema({ minimum: 1, maximum: 1024 }).default(16),
    contexts: integerSchema({ minimum: 1, maximum: 64 }).default(1),
    contextSize: integerSchema({ minimum: 16, maximum: 1 << 20 }).optional(),
    gpu: z.literal(false, { error: expecting("false (the embedded backend runs on CPU)") }).optional(),
    seedFallback: seedFallbackSchema.optional(),
    prefixSharing: z.boolean({ error: expecting("a boolean") }).default(true),
    speculative: speculativeOptionsSchema.optional(),
    signal: z.instanceof(AbortSignal).optional(),
  },
  { error: expecting("an options object") },
);

/** {@link LlamaCppBackendOptions} checked, with `threads`, `sequences`, `contexts` and `prefixSharing` defaulted. */
export type ParsedLlamaCppBackendOptions = z.output<typeof llamaCppBackendOptionsSchema>;

/**
 * Checks the factory's options and fills in their defaults.
 *
 * @throws ConfigError `createLlamaCppBackend: threads must be an integer from 1 to 256, got 0`, with `field`;
 * `createLlamaCppBackend: thread: unknown key (createLlamaCppBackend takes model, threads, …)` for a key it
 * does not know; `createLlamaCppBackend: model: missing; expected a path to a .gguf file or a lab model
 * name …` without a model; `createLlamaCppBackend: expected an options object { model, … }; got undefined`
 * without options.
 */
export function parseLlamaCppBackendOptions(options: LlamaCppBackendOptions): ParsedLlamaCppBackendOptions {
  return parseOptions(llamaCppBackendOptionsSchema, options, llamaCppBackendOwner);
}
