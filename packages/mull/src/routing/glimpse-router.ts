import { z } from "zod";
import { checkInteger, checkNumber, requireCapability } from "../runtime/index.ts";
import { defaultTopLogprobs, tokenEntropy } from "../scoring/index.ts";
import type { Candidate, StopReason, Strategy, TokenWatcher } from "../spec/index.ts";
import {
  defaultStepFormat,
  extendOneStep,
  joinSteps,
  type StepExtension,
  type StepFormat,
} from "../steps/index.ts";
import { checkFactoryOptions } from "../strategies/factory-options.ts";
import { checkedByFactory, namedBackendsOption, stepFormatOption } from "../strategies/option-schemas.ts";
import { requireSomething } from "../strategies/run-helpers.ts";
import type { NamedBackend, StrategyEntry } from "../strategies/strategy-entry.ts";
import { twoModelRoute } from "./route-ends.ts";

/** Options of `glimpseRouter`. */
export interface GlimpseRouterOptions {
  /** The two models, smallest first: the first drafts every step, the second writes the uncertain ones. */
  readonly models: readonly NamedBackend[];
  /**
   * τ in nats: a step whose first token's distribution (under the small model) has entropy at or above it
   * is written by the large model. 0 sends every step to the large model; a large τ keeps all with the small.
   */
  readonly threshold: number;
  /**
   * Tokens at the start of each step whose entropy is read (default 1, the paper's first token): the step
   * goes to the large model as soon as one of them reaches τ. More suits steps whose first tokens are
   * copied (a lab step opens with the previous result; its uncertainty comes after the `=`).
   */
  readonly glimpse?: number | undefined;
  /**
   * Steps the large model goes on writing after one it was handed, without a draft from the small model
   * (default 0, the paper's: every step is drafted). Where the two models solve differently (the lab's
   * large model may sum the additions first, a path its small model never learnt), a small model that
   * resumes after a handed-over step continues its own path from the large model's result; holding the
   * large model on keeps one path. `Infinity` hands it the rest of the solution.
   */
  readonly hold?: number | undefined;
  /** Most steps of a solution; default 32. */
  readonly maxSteps?: number | undefined;
  /** Sampling temperature of both models; default 0 (greedy, as in the paper). */
  readonly temperature?: number | undefined;
  /**
   * Top alternatives asked for per token (default 20, at most the small model's `maxTopLogprobs`): where the
   * backend reads the whole distribution (the embedded one) they make it report its entropy; elsewhere the
   * entropy is that of these alternatives renormalised (`tokenEntropy`).
   */
  readonly topLogprobs?: number | undefined;
  /** How steps are delimited; default one per line, `####` final (the lab's). */
  readonly format?: StepFormat | undefined;
}

const glimpseRouterOptions = z.strictObject({
  models: namedBackendsOption,
  threshold: checkedByFactory,
  glimpse: checkedByFactory,
  hold: checkedByFactory,
  maxSteps: checkedByFactory,
  temperature: checkedByFactory,
  topLogprobs: checkedByFactory,
  format: stepFormatOption.optional(),
} satisfies Record<keyof GlimpseRouterOptions, unknown>);

const defaultMaxSteps = 32;

/**
 * GlimpRouter (step-level routing by the first token's entropy): for each reasoning step the small model
 * starts writing; a token watcher reads the entropy of the step's first token distribution (of each of the
 * first `glimpse` tokens) and, when it is at or above τ (`threshold`), cuts the small model right there (finish reason `cut`; its token is spent and
 * counted) and the large model writes that step instead (and, with `hold`, the next `hold` steps without
 * drafts: the handoff variant `glimp@τkKh` hands it the rest); otherwise the small model finishes the step. Steps
 * go on until the final one (`####` in the lab), `maxSteps`, or the run's `maxTokens`, which bounds the
 * solution's tokens (the steps it keeps; a small model's cut drafts are spent but not written) rather
 * than each step's: each step asks for what the solution has left. Both models decode greedily unless a
 * `temperature` is given; other sampling settings come from the run.
 *
 * Every step is a `generation` event with its `step` index and `model`, so the trace (and `usageByModel`)
 * says which model wrote what; each handed-over step also gets a `note` with the entropy that sent it.
 *
 * Each step's call is sized against the budget (`extendOneStep`). A solution the budget, the deadline or an
 * abort cut before its final step (one step short, or a step cut mid-way by the budget's token cap) is no
 * solution: its steps are charged and recorded in the trace, and the run throws `BudgetExhaustedError` with
 * that reason instead of reading an answer from the running result of its last step. One that reaches
 * `maxSteps` without a final step is answered as written, and so is one that reaches `maxTokens`, with
 * finish reason `length`.
 *
 * @throws CapabilityError when the small model cannot watch tokens (`watchTokens`) or give top
 * alternatives (`topLogprobs`), or a model cannot continue the prompt's prefix.
 * @throws ConfigError for an unknown option or one of the wrong kind, when `threshold`, `maxSteps`, `temperature` or `topLogprobs` is out of range, or
 * other than two models are given (a longer route is a cascade's).
 * @throws BudgetExhaustedError when a limit, the deadline or an abort cut the solution before its final step.
 * @example
 * const router = glimpseRouter({ models: [{ name: "lab-small", backend: small }, { name: "lab-large", backend: large }], threshold: 0.6 });
 * const result = await solve({ problem: "Q: 30+444+273=? A:", strategy: router, backend: large });
 */
export function glimpseRouter(options: GlimpseRouterOptions): Strategy {
  const owner = "glimpseRouter";
  checkFactoryOptions(glimpseRouterOptions, options, owner);
  const { small, large } = twoModelRoute(owner, options.models);
  const threshold = checkNumber(owner, "threshold", options.threshold, { minimum: 0 });
  const glimpse = checkInteger(owner, "glimpse", options.glimpse ?? 1, { minimum: 1 });
  const hold = options.hold ?? 0;
  if (hold !== Number.POSITIVE_INFINITY) checkInteger(owner, "hold", hold, { minimum: 0 });
  const maxSteps = checkInteger(owner, "maxSteps", options.maxSteps ?? defaultMaxSteps, { minimum: 1 });
  const temperature = checkNumber(owner, "temperature", options.temperature ?? 0, { minimum: 0 });
  const wantedTop = checkInteger(owner, "topLogprobs", options.topLogprobs ?? defaultTopLogprobs, {
    minimum: 1,
  });
  const format = options.format ?? defaultStepFormat;
  const held = hold === 0 ? "" : hold === Number.POSITIVE_INFINITY ? "h" : `h${hold}`;
  const name = `${glimpse === 1 ? `glimp@${threshold}` : `glimp@${threshold}k${glimpse}`}${held}`;
  return {
    name,
    parameters: { threshold, glimpse, hold, small: small.name, large: large.name, maxSteps, temperature },
    samples: 1,
    async run(problem, context) {
      const requiredBy = `${name} (reading the entropy of each step's first token as ${small.name} writes it)`;
      await requireCapability(small.backend, "watchTokens", requiredBy, { signal: context.signal });
      const capabilities = await requireCapability(small.backend, "topLogprobs", requiredBy, {
        signal: context.signal,
      });
      const topLogprobs = Math.min(wantedTop, capabilities.maxTopLogprobs ?? wantedTop);
      const prompt = problem.prompt ?? context.promptTemplate(problem);
      // The run's token limit bounds the whole solution, as one completion's would, not each step.
      const maxTokens = context.sampling.maxTokens;
      const smallContext = { ...context, backend: small.backend };
      const largeContext = { ...context, backend: large.backend };
      let steps: readonly string[] = [];
      let parentId = context.parentId;
      let last: StepExtension | undefined;
      let tokens = 0;
      let length = 0;
      let reachedMaxTokens = false;
      let stoppedBy: StopReason = "complete";
      let unread = false;
      let holding = 0;
      for (let index = 0; index < maxSteps; index += 1) {
        // Each step may take what the solution's limit leaves; without one, extendOneStep's step limit.
        const sampling =
          maxTokens === undefined ? { temperature } : { temperature, maxTokens: maxTokens - length };
        const common = { problem, steps, n: 1, parentId, prompt, format, sampling };
        // The small model's draft when it keeps the step; undefined when the large model writes it.
        let chosen: StepExtension | undefined;
        if (holding > 0) holding -= 1;
        else {
          let heard = 0;
          let entropy: number | undefined;
          let unknown = false;
          const watch: TokenWatcher = (_completion, token) => {
            if (heard >= glimpse) return "continue";
            heard += 1;
            const read = tokenEntropy(token);
            if (read === undefined) unknown = true;
            else entropy = Math.max(entropy ?? 0, read);
            return entropy !== undefined && entropy >= threshold ? "stop" : "continue";
          };
          const drafted = await extendOneStep({ ...common, context: smallContext, topLogprobs, watch });
          const draft = drafted.extensions[0];
          if (draft === undefined) {
            stoppedBy = drafted.stoppedBy;
            break;
          }
          tokens += draft.completionTokens ?? 0;
          if (unknown && !unread) {
            unread = true;
            context.tracer.record({
              type: "note",
              parentId,
              message: `${name}: ${small.name} gave no entropy or top alternatives for a step's first token; such steps stay with it`,
            });
          }
          if (draft.finishReason === "cut") {
            const held =
              hold === 0
                ? ""
                : hold === Number.POSITIVE_INFINITY
                  ? ", and every later step"
                  : `, and the next ${hold}`;
            context.tracer.record({
              type: "note",
              parentId: draft.id,
              message: `step ${index}: entropy ${entropy?.toFixed(3)} at token ${heard} ≥ τ ${threshold}; ${large.name} writes it${held}`,
            });
            holding = hold;
          } else chosen = draft;
        }
        if (chosen === undefined) {
          const written = await extendOneStep({ ...common, context: largeContext });
          chosen = written.extensions[0];
          if (chosen === undefined) {
            stoppedBy = written.stoppedBy;
            break;
          }
          tokens += chosen.completionTokens ?? 0;
        }
        steps = chosen.steps;
        parentId = chosen.id;
        last = chosen;
        length += chosen.completionTokens ?? 0;
        if (chosen.final) break;
        if (maxTokens !== undefined && (length >= maxTokens || chosen.finishReason === "length")) {
          reachedMaxTokens = true;
          break;
        }
      }
      // A solution cut before its final step answers nothing: what it cost is charged and in the trace.
      requireSomething(stoppedBy === "complete" && last !== undefined ? 1 : 0, stoppedBy);
      const text = joinSteps(steps, prompt.kind, format);
      const answer = context.answerFormat.extract(text);
      const best: Candidate = {
        id: last!.id,
        text,
        answer,
        finishReason: reachedMaxTokens ? "length" : last!.finishReason,
        completionTokens: tokens,
        scores: [],
        steps,
        model: `${small.name}>${large.name}`,
      };
      return { answer, best, candidates: [best], stoppedBy };
    },
  };
}

/**
 * `glimp@T` (and `glimp@TkK`, reading the first K tokens; `…hH`, the large model holding the next H steps
 * after one it was handed; `…h`, the rest of the solution) in the strategy catalog.
 */
export const glimpseRouterEntry: StrategyEntry = {
  forms: ["glimp@T", "glimp@TkK", "glimp@ThH", "glimp@TkKhH", "glimp@Th", "glimp@TkKh"],
  decimals: ["T"],
  kind: "routing",
  summary:
    "GlimpRouter: the small model starts each step; one whose first token (of the first K) has entropy ≥ T nats is written by the large model (and the next H, or with a bare h every later one)",
  needs: ["models"],
  replay: {
    liveOnly: "glimp@T routes on a glimpse of a trace while it is generated, which needs live generation",
  },
  create: ({ T, K, H }, { models }, form) =>
    glimpseRouter({
      models,
      threshold: T!,
      glimpse: K,
      hold: form.endsWith("h") ? Number.POSITIVE_INFINITY : H,
    }),
};
