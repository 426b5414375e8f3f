import { describeValue, expecting, integerSchema, numberSchema, z } from "mull/runtime";

/**
 * Speculative decoding with a smaller draft model of the same vocabulary: the draft proposes the next tokens,
 * the main model checks them all in one batched evaluation and keeps those it would have generated itself.
 */
export interface DraftModelSpeculation {
  /** Picks a draft model as the way tokens are predicted. */
  readonly kind: "draft";
  /** The draft model: a lab model name (`lab-small`) or a path to a `.gguf` file with the same vocabulary. */
  readonly model: string;
  /**
   * Most tokens drafted ahead at a time; default 2. node-llama-cpp 3.22.1 accepts at most one predicted token
   * per evaluation (it compares later ones against a list it never fills), so longer drafts mostly add work.
   */
  readonly tokens?: number | undefined;
  /**
   * The draft stops proposing at a token it gives less than this probability (0 drafts regardless); default
   * 0.6, node-llama-cpp's.
   */
  readonly minConfidence?: number | undefined;
}

/**
 * Speculative decoding by prompt lookup: the last generated tokens are looked up in the prompt and what followed
 * them there is proposed as the next tokens (no second model). Pays off when completions copy from the prompt.
 */
export interface PromptLookupSpeculation {
  /** Picks prompt lookup as the way tokens are predicted. */
  readonly kind: "prompt-lookup";
  /** Most tokens proposed at a time; default 1 (node-llama-cpp 3.22.1 accepts at most one per evaluation). */
  readonly tokens?: number | undefined;
  /** Fewest trailing tokens that must match the prompt before anything is proposed; default 1. */
  readonly minMatch?: number | undefined;
}

/**
 * How `createLlamaCppBackend` predicts tokens ahead for speculative decoding. It applies to greedy requests
 * (temperature 0) only, whose text it leaves unchanged; sampled requests decode as without it.
 */
export type SpeculativeOptions = DraftModelSpeculation | PromptLookupSpeculation;

/** {@link SpeculativeOptions} checked, with their defaults filled in. */
export const speculativeOptionsSchema = z.discriminatedUnion(
  "kind",
  [
    z.object({
      kind: z.literal("draft"),
      model: z.string({ error: expecting("a lab model name or a path to a .gguf file") }).min(1, {
        error: expecting("a lab model name or a path to a .gguf file"),
      }),
      tokens: integerSchema({ minimum: 1, maximum: 64 }).default(2),
      minConfidence: numberSchema({ minimum: 0, maximum: 1 }).default(0.6),
    }),
    z.object({
      kind: z.literal("prompt-lookup"),
      tokens: integerSchema({ minimum: 1, maximum: 64 }).default(1),
      minMatch: integerSchema({ minimum: 1, maximum: 64 }).default(1),
    }),
  ],
  {
    error: (issue) =>
      issue.code === "invalid_union" && issue.input !== null && typeof issue.input === "object"
        ? `kind must be "draft" or "prompt-lookup", got ${describeValue((issue.input as { kind?: unknown }).kind)}`
        : expecting('an object with kind "draft" or "prompt-lookup"')(issue),
  },
);

/** Checked speculative options. */
export type ParsedSpeculativeOptions = z.output<typeof speculativeOptionsSchema>;
