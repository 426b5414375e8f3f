import { z } from "zod";
import { BackendCallError, ConfigError } from "../errors/index.ts";
import { checkInteger, parseOptions } from "../runtime/index.ts";
import {
  classProbabilities,
  postRewardModel,
  rewardModelHeaders,
  rewardModelTimeout,
  rewardModelUrl,
} from "../scoring/index.ts";
import type { Problem, ProcessRewardModel, ProcessScore } from "../spec/index.ts";
import { qwenMathPrmInput } from "./qwen-math-prm-input.ts";

/** Options of `httpProcessReward`. */
export interface HttpProcessRewardOptions {
  /** Root of the server, e.g. `http://localhost:8000` (vLLM serves `/pooling` at the root; a trailing `/v1` is dropped). */
  readonly baseUrl: string;
  /** Model name sent in the body; left out when absent (vLLM then uses the model it serves). */
  readonly model?: string | undefined;
  /** The token the PRM reads a step's reward at; default Qwen2.5-Math-PRM's `<extra_0>`. */
  readonly stepTag?: string | undefined;
  /**
   * The text sent for one solution: the steps, each followed by the step tag. Default: Qwen2.5-Math-PRM's
   * chat layout (system prompt, question, then the steps joined by the tag as the assistant's reply).
   */
  readonly render?: ((problem: Problem, steps: readonly string[], stepTag: string) => string) | undefined;
  /** Index of the "good step" class in each per-step vector; default 1. */
  readonly positiveIndex?: number | undefined;
  /** Environment variable holding the API key, sent as `Authorization: Bearer …`. */
  readonly apiKeyEnv?: string | undefined;
  /** Name; default `prm:<model or host>`. */
  readonly name?: string | undefined;
  /** Deadline of one request, in whole milliseconds from 1 to 2^31 - 1; default 60 s. */
  readonly timeoutMilliseconds?: number | undefined;
  /** Extra fields merged into the request body. */
  readonly extraBody?: Readonly<Record<string, unknown>> | undefined;
}

const vectorSchema = z.array(z.number());
const poolingSchema = z.object({
  data: z.array(z.object({ index: z.number().int(), data: z.union([vectorSchema, z.array(vectorSchema)]) })),
  usage: z.object({ prompt_tokens: z.number().optional() }).partial().optional(),
});

/** A reward in [0, 1] from one step's output: a probability vector (softmax applied to logits) or a scalar. */
function stepReward(output: number | readonly number[], positiveIndex: number, where: string): number {
  if (typeof output === "number") return output >= 0 && output <= 1 ? output : 1 / (1 + Math.exp(-output));
  if (output.length === 1) return stepReward(output[0]!, positiveIndex, where);
  if (positiveIndex >= output.length) {
    throw new ConfigError(
      `httpProcessReward: positiveIndex ${positiveIndex} is outside the ${output.length} classes the PRM returns (${where})`,
      { field: "positiveIndex" },
    );
  }
  return classProbabilities(output)[positiveIndex]!;
}

/** An options object; its values are checked where they are read. */
const httpProcessRewardOptions = z.object({});

/**
 * A process reward model served over HTTP in vLLM's `/pooling` shape (e.g. Qwen2.5-Math-PRM served with
 * step pooling): each solution is sent as one text with the step tag after every step, all solutions of
 * a call in one request (`{ model, input: [texts] }`); the answer holds, per solution, one vector per
 * step tag (`data[i].data`), and a step's reward is P(positive) there (`positiveIndex`; softmax applied
 * to logits; a scalar in [0, 1] is taken as it is, other scalars through a sigmoid). One request is one
 * call.
 *
 * @throws BackendCallError when the server fails, answers with an error, or returns a number of vectors
 * other than the number of steps (the server must pool at the step tag, not per token).
 * @example
 * const prm = httpProcessReward({ baseUrl: "http://localhost:8000", model: "Qwen/Qwen2.5-Math-PRM-7B" });
 * const { results } = await prm.score(problem, [["Step 1 …", "Step 2 …"]]);
 */
export function httpProcessReward(options: HttpProcessRewardOptions): ProcessRewardModel {
  parseOptions(httpProcessRewardOptions, options, "httpProcessReward");
  const owner = "httpProcessReward";
  const url = rewardModelUrl(options.baseUrl, "pooling", owner);
  const stepTag = options.stepTag ?? "<extra_0>";
  const positiveIndex = checkInteger(owner, "positiveIndex", options.positiveIndex ?? 1, { minimum: 0 });
  const render = options.render ?? qwenMathPrmInput;
  const timeout = rewardModelTimeout(owner, options.timeoutMilliseconds);
  const name = options.name ?? `prm:${options.model ?? new URL(url).host}`;
  const headers = rewardModelHeaders(options.apiKeyEnv, owner);
  return {
    name,
    async score(problem, solutions, callOptions) {
      const asked = solutions.flatMap((steps, index) => (steps.length > 0 ? [index] : []));
      const results: ProcessScore[] = solutions.map(() => ({ rewards: [] }));
      if (asked.length === 0) return { results, calls: 0 };
      const response = await postRewardModel({
        url,
        headers,
        body: {
          ...options.extraBody,
          ...(options.model === undefined ? {} : { model: options.model }),
          input: asked.map((index) => render(problem, solutions[index]!, stepTag)),
        },
        timeoutMilliseconds: timeout,
        signal: callOptions?.signal,
        label: "PRM",
        shape: "/pooling",
        schema: poolingSchema,
      });
      const seen = new Set<number>();
      for (const item of response.data) {
        const solution = asked[item.index];
        if (solution === undefined) continue;
        const steps = solutions[solution]!;
        // A one-step solution's vector may come back flattened.
        const flatVector = steps.length === 1 && item.data.length > 1 && typeof item.data[0] === "number";
        const outputs: readonly (number | readonly number[])[] = flatVector
          ? [item.data as number[]]
          : item.data;
        if (outputs.length !== steps.length) {
          throw new BackendCallError(
            `PRM at ${url} returned ${outputs.length} outputs for a solution of ${steps.length} steps; ` +
              `it must pool one vector per step tag ${JSON.stringify(stepTag)} (vLLM step pooling), not one per token`,
            { url },
          );
        }
        results[solution] = {
          rewards: outputs.map((output, step) =>
            stepReward(output, positiveIndex, `input ${item.index}, step ${step}`),
          ),
        };
        seen.add(item.index);
      }
      const missing = asked.findIndex((_, index) => !seen.has(index));
      if (missing >= 0)
        throw new BackendCallError(`PRM at ${url} sent no result for input ${missing}`, { url });
      const promptTokens = response.usage?.prompt_tokens;
      return { results, calls: 1, usage: { promptTokens, completionTokens: 0, calls: 1 } };
    },
  };
}
