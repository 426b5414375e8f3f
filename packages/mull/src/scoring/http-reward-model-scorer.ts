import { z } from "zod";
import { BackendCallError, ConfigError } from "../errors/index.ts";
import { checkInteger, checkOneOf, parseOptions } from "../runtime/index.ts";
// The file itself, not the folder's index: selection reads scores, so its index imports this folder.
import { softmaxWeights } from "../selection/softmax-weights.ts";
import type { OutcomeScorer, Problem, Score, ScoredSolution } from "../spec/index.ts";
import { classProbabilities } from "./class-probabilities.ts";
import { postRewardModel, rewardModelHeaders, rewardModelTimeout } from "./post-reward-model.ts";
import { rewardModelUrl } from "./reward-model-url.ts";

/** Options of `httpRewardModelScorer`. */
export interface HttpRewardModelScorerOptions {
  /**
   * Root of the server, e.g. `http://localhost:8000`. vLLM serves `/pooling` and `/classify` at the root,
   * so a trailing `/v1` is dropped.
   */
  readonly baseUrl: string;
  /** Model name sent in the body. */
  readonly model: string;
  /**
   * The API shape:
   * - `pooling`: `POST /pooling` `{ model, input: [texts] }` → `data[i].data`, a pooled vector or one
   *   vector per token (vLLM reward models). The reward is read from the last token's vector.
   * - `classify`: `POST /classify` `{ model, input: [texts] }` → `data[i].probs` (class probabilities).
   */
  readonly shape: "pooling" | "classify";
  /** Environment variable holding the API key, sent as `Authorization: Bearer …`. */
  readonly apiKeyEnv?: string | undefined;
  /** Index of the "good" class in a vector of 2 or more values; default 1. */
  readonly positiveIndex?: number | undefined;
  /** The text sent for one solution; default the question, a blank line, and the solution. */
  readonly render?: ((problem: Problem, solution: ScoredSolution) => string) | undefined;
  /** Scorer name; default `reward-model:<model>`. */
  readonly name?: string | undefined;
  /** Deadline of one request, in whole milliseconds from 1 to 2^31 - 1; default 60 s. */
  readonly timeoutMilliseconds?: number | undefined;
  /** Extra fields merged into the request body (e.g. `{ truncate_prompt_tokens: 4096 }`). */
  readonly extraBody?: Readonly<Record<string, unknown>> | undefined;
}

const usageSchema = z.object({ prompt_tokens: z.number().optional() }).partial().optional();
const vectorSchema = z.array(z.number());
const poolingResponseSchema = z.object({
  data: z.array(z.object({ index: z.number().int(), data: z.union([vectorSchema, z.array(vectorSchema)]) })),
  usage: usageSchema,
});
const classifyResponseSchema = z.object({
  data: z.array(
    z
      .object({
        index: z.number().int(),
        probs: vectorSchema.optional(),
        probabilities: vectorSchema.optional(),
        logits: vectorSchema.optional(),
      })
      .refine((item) => item.probs ?? item.probabilities ?? item.logits, {
        message: "each result needs probs, probabilities or logits",
      }),
  ),
  usage: usageSchema,
});

/** A single reward from one vector: its only value, or P(positive class) for 2 or more classes. */
function rewardOf(vector: readonly number[], positiveIndex: number, where: string): number {
  if (vector.length === 0) throw new BackendCallError(`reward model returned an empty vector (${where})`);
  if (vector.length === 1) return vector[0]!;
  if (positiveIndex >= vector.length) {
    throw new ConfigError(
      `httpRewardModelScorer: positiveIndex ${positiveIndex} is outside the ${vector.length} classes the model returns`,
      { field: "positiveIndex" },
    );
  }
  return classProbabilities(vector)[positiveIndex]!;
}

type PoolingItem = z.infer<typeof poolingResponseSchema>["data"][number];
type ClassifyItem = z.infer<typeof classifyResponseSchema>["data"][number];

/** The reward of one result item of either shape. */
function rewardOfItem(item: PoolingItem | ClassifyItem, positiveIndex: number, where: string): number {
  if ("data" in item) {
    const { data } = item;
    const last =
      data.length > 0 && Array.isArray(data[0]) ? (data as number[][]).at(-1)! : (data as number[]);
    return rewardOf(last, positiveIndex, where);
  }
  const probabilities =
    item.probs ?? item.probabilities ?? (item.logits === undefined ? undefined : softmaxWeights(item.logits));
  if (probabilities === undefined)
    throw new BackendCallError(`reward model sent no probabilities for ${where}`);
  return rewardOf(probabilities, positiveIndex, where);
}

/** An options object; its values are checked where they are read. */
const httpRewardModelScorerOptions = z.object({});

/**
 * An outcome scorer backed by a reward model served over HTTP by vLLM (or any server with the same
 * shapes): all solutions of a batch go in one request. For `pooling`, each result is a pooled vector or
 * one vector per token; the reward is read from the last vector: its value when it has one, else the
 * probability of class `positiveIndex` (softmax applied when the values are not already
 * probabilities). For `classify`, the reward is `probs[positiveIndex]`.
 *
 * @example
 * const rewardModel = httpRewardModelScorer({
 *   baseUrl: "http://localhost:8000",
 *   model: "Skywork/Skywork-Reward-V2-Llama-3.1-8B",
 *   shape: "pooling",
 * });
 */
export function httpRewardModelScorer(options: HttpRewardModelScorerOptions): OutcomeScorer {
  parseOptions(httpRewardModelScorerOptions, options, "httpRewardModelScorer");
  const owner = "httpRewardModelScorer";
  const shape = checkOneOf(owner, "shape", options.shape, ["pooling", "classify"]);
  const url = rewardModelUrl(options.baseUrl, shape, owner);
  const positiveIndex = checkInteger(owner, "positiveIndex", options.positiveIndex ?? 1, { minimum: 0 });
  const timeout = rewardModelTimeout(owner, options.timeoutMilliseconds);
  const name = options.name ?? `reward-model:${options.model}`;
  const render = options.render ?? ((problem, solution) => `${problem.question}\n\n${solution.text}`);
  const headers = rewardModelHeaders(options.apiKeyEnv, owner);

  return {
    name,
    // One request scores the whole batch.
    callsFor: (solutions) => (solutions === 0 ? 0 : 1),
    async score(problem, solutions, callOptions) {
      if (solutions.length === 0) return { scores: [], calls: 0 };
      const data = await postRewardModel({
        url,
        headers,
        body: {
          ...options.extraBody,
          model: options.model,
          input: solutions.map((solution) => render(problem, solution)),
        },
        timeoutMilliseconds: timeout,
        signal: callOptions?.signal,
        label: "reward model",
        shape,
        schema: shape === "pooling" ? poolingResponseSchema : classifyResponseSchema,
      });
      const values = new Array<number | undefined>(solutions.length).fill(undefined);
      for (const item of data.data) {
        if (item.index < 0 || item.index >= solutions.length) continue;
        values[item.index] = rewardOfItem(item, positiveIndex, `input ${item.index} from ${url}`);
      }
      const scores: Score[] = values.map((value, index) => {
        if (value === undefined) {
          throw new BackendCallError(`reward model at ${url} sent no result for input ${index}`, { url });
        }
        return { scorer: name, kind: "outcome", value };
      });
      const promptTokens = data.usage?.prompt_tokens;
      return { scores, calls: 1, usage: { promptTokens, completionTokens: 0, calls: 1 } };
    },
  };
}
