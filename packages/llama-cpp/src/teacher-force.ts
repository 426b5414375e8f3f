import type { ControlledEvaluateInputItem, LlamaContextSequence, Token } from "node-llama-cpp";

/**
 * Sampler settings under which node-llama-cpp reports the model's own distribution: its reported logits are
 * taken after the sampler chain, and temperature 1 with top-k, top-p and min-p off leaves them untouched.
 */
const rawDistribution = { temperature: 1, topK: 0, topP: 1, minP: 0 } as const;

/** One forced token with its log-probability and the most likely alternatives at its position. */
export interface ForcedToken {
  readonly token: Token;
  readonly logprob: number;
  /** Most likely tokens at this position, most likely first (empty unless asked for). */
  readonly top: readonly { readonly token: Token; readonly logprob: number }[];
  /** Entropy in nats of the whole raw distribution at this position, when it was read. */
  readonly entropy?: number | undefined;
}

/** The result of {@link teacherForce}. */
export interface TeacherForcing {
  readonly tokens: readonly ForcedToken[];
  /** Tokens evaluated for this call. */
  readonly evaluated: number;
  /** Tokens of `context` already in the sequence's cache, not evaluated again. */
  readonly reused: number;
}

/**
 * Log-probabilities of `continuation` after `context` under the raw model distribution (temperature 1, no
 * truncation), by teacher forcing on `sequence`: the cached part of `context` is kept, the rest and the
 * continuation are evaluated in one pass, and each position's logits are read (the top `topLogprobs` plus the
 * forced token, with the softmax normaliser), so that logprob = logit − max − ln Σ exp(logit − max).
 * Afterwards the sequence holds `context` and all but the last continuation token.
 */
export async function teacherForce(
  sequence: LlamaContextSequence,
  context: readonly Token[],
  continuation: readonly Token[],
  topLogprobs: number,
): Promise<TeacherForcing> {
  if (context.length === 0) throw new RangeError("teacher forcing needs at least one context token");
  const keep = context.length - 1;
  await sequence.adaptStateToTokens(context.slice(0, keep) as Token[], false);
  const start = sequence.nextTokenIndex;
  if (continuation.length === 0) return { tokens: [], evaluated: 0, reused: start };
  const all = [...context, ...continuation];
  const items: ControlledEvaluateInputItem[] = [];
  for (let index = start; index < all.length - 1; index += 1) {
    const token = all[index] as Token;
    if (index < keep) {
      items.push(token);
      continue;
    }
    const next = all[index + 1] as Token;
    items.push([
      token,
      {
        generateNext: {
          logits: { filter: { tokens: [next], includeTop: Math.max(1, topLogprobs) } },
          totalLogitWeight: true,
          options: rawDistribution,
        },
      },
    ]);
  }
  const outputs = await sequence.controlledEvaluate(items);
  const tokens: ForcedToken[] = [];
  for (let index = keep; index < all.length - 1; index += 1) {
    const output = outputs[index - start]?.next;
    const target = all[index + 1] as Token;
    const logits = output?.logits;
    const total = output?.totalLogitWeight;
    if (logits === undefined || total === undefined) {
      throw new Error(`no logits were returned for position ${index}`);
    }
    let maximum = Number.NEGATIVE_INFINITY;
    for (const value of logits.values()) maximum = Math.max(maximum, value);
    const normaliser = maximum + Math.log(total);
    const targetLogit = logits.get(target);
    const top =
      topLogprobs > 0
        ? [...logits.entries()]
            .sort((a, b) => b[1] - a[1])
            .slice(0, topLogprobs)
            .map(([token, logit]) => ({ token, logprob: logit - normaliser }))
        : [];
    tokens.push({
      token: target,
      logprob: targetLogit === undefined ? Number.NEGATIVE_INFINITY : targetLogit - normaliser,
      top,
    });
  }
  return { tokens, evaluated: items.length, reused: start };
}
