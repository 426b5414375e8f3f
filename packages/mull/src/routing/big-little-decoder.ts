import { z } from "zod";
import { type BudgetPlan, budgetShortfall } from "../budget/index.ts";
import {
  continuationCapabilities,
  continuationPrompt,
  generateRecorded,
  promptTokens,
} from "../generation/index.ts";
import { checkInteger, checkNumber, requireCapability } from "../runtime/index.ts";
import { scoreRecorded } from "../scoring/index.ts";
import type {
  Candidate,
  FinishReason,
  Prompt,
  StopReason,
  Strategy,
  StrategyContext,
  TokenWatcher,
} from "../spec/index.ts";
import { checkFactoryOptions } from "../strategies/factory-options.ts";
import { checkedByFactory, namedBackendsOption } from "../strategies/option-schemas.ts";
import { requireSomething } from "../strategies/run-helpers.ts";
import type { NamedBackend, StrategyEntry } from "../strategies/strategy-entry.ts";
import { twoModelRoute } from "./route-ends.ts";

/** Options of `bigLittleDecoder`. */
export interface BigLittleDecoderOptions {
  /** The two models, smallest first: the first decodes, the second takes over where it is unsure. */
  readonly models: readonly NamedBackend[];
  /** α, from 0 to 1: the small model falls back as soon as its most likely next token's probability is below it. */
  readonly fallback: number;
  /**
   * β, from 0 to 1: at a fallback, the small model's tokens since the large model last wrote are rolled back
   * from the first one the large model gives a probability below β. Default 0.1.
   */
  readonly rollback?: number | undefined;
  /** Tokens the large model writes at each fallback; default 1. */
  readonly largeTokens?: number | undefined;
  /** Most tokens of the solution; default the run's `maxTokens`, else 512. */
  readonly maxTokens?: number | undefined;
}

const bigLittleDecoderOptions = z.strictObject({
  models: namedBackendsOption,
  fallback: checkedByFactory,
  rollback: checkedByFactory,
  largeTokens: checkedByFactory,
  maxTokens: checkedByFactory,
} satisfies Record<keyof BigLittleDecoderOptions, unknown>);

const defaultRollback = 0.1;
const defaultMaxTokens = 512;

/** The summed length of the first `count` token pieces. */
function piecesLength(pieces: readonly { readonly token: string }[], count: number): number {
  return pieces.slice(0, count).reduce((sum, piece) => sum + piece.token.length, 0);
}

/**
 * The budget plan of one call that reads or continues `prompt` once: a call of one completion in one request
 * charges its prompt once, per request or per completion alike (`promptCharges` is 1), so it is planned
 * at the prompt's tokens (`promptTokens`: counted where the backend can, else estimated), and
 * `generateRecorded` caps its `maxTokens` at what the budget leaves after them (`budgetTokenCut`).
 */
async function onePromptPlan(context: StrategyContext, prompt: Prompt): Promise<BudgetPlan> {
  const counted = await promptTokens(context, prompt);
  return { calls: 1, completions: 1, promptTokens: counted.tokens };
}

/**
 * Big Little Decoder (Kim et al., BiLD), token-level routing at temperature 0: the small model decodes
 * greedily while a token watcher reads its confidence; at the first token whose probability (the most
 * likely token's, under greedy decoding) is below α (`fallback`) it is cut there, and that token is dropped.
 * The large model then scores the small model's tokens since it last wrote (`score()`, teacher forcing),
 * rolls back to the first one it gives a probability below β (`rollback`), and writes the next
 * `largeTokens` tokens itself; then the small model resumes after them. It ends when either model ends the
 * solution, or at `maxTokens`.
 *
 * Each call is a `generation` event with its `model` and, as `step`, the round it belongs to; the small
 * model's cut tokens count in its usage; a `note` records each rollback. Each time the large model reads
 * the small model's tokens, a `score` event under the small model's generation gives how many it accepted
 * and carries the reading's usage, so `usageByModel` counts it for the large model.
 *
 * Every call is sized against the budget by its prompt (`promptTokens`: counted by a backend that can, else
 * estimated): a reading is a model call (`scoreRecorded` with its `model`) whose prompt is the problem's,
 * the solution so far and the tokens read, and it is not made when the budget cannot afford those tokens;
 * a generation asks for no more tokens than the budget leaves after its prompt (`generateRecorded`), so
 * the run spends no more than its token limits. A solution the budget, the deadline or an abort cut before
 * a model ended it (or it reached `maxTokens`) is no solution: its calls are charged and recorded in the
 * trace, a draft the budget cut mid-way with a note, and the run throws `BudgetExhaustedError` with that
 * reason instead of reading an answer from it.
 *
 * @throws CapabilityError when the small model cannot watch tokens (`watchTokens`), the large model cannot
 * score a continuation (`score`), or a model cannot continue the prompt's prefix.
 * @throws ConfigError for an unknown option or one of the wrong kind, when `fallback`, `rollback`, `largeTokens` or `maxTokens` is out of range, or
 * other than two models are given (a longer route is a cascade's).
 * @throws BudgetExhaustedError when a limit, the deadline or an abort cut the solution before it ended.
 * @example
 * const router = bigLittleDecoder({ models, fallback: 0.5, rollback: 0.1 });
 */
export function bigLittleDecoder(options: BigLittleDecoderOptions): Strategy {
  const owner = "bigLittleDecoder";
  checkFactoryOptions(bigLittleDecoderOptions, options, owner);
  const { small, large } = twoModelRoute(owner, options.models);
  const fallback = checkNumber(owner, "fallback", options.fallback, { minimum: 0, maximum: 1 });
  const rollback = checkNumber(owner, "rollback", options.rollback ?? defaultRollback, {
    minimum: 0,
    maximum: 1,
  });
  const largeTokens = checkInteger(owner, "largeTokens", options.largeTokens ?? 1, { minimum: 1 });
  const maxTokensOption =
    options.maxTokens === undefined
      ? undefined
      : checkInteger(owner, "maxTokens", options.maxTokens, { minimum: 1 });
  const name = `bild@${fallback}x${rollback}`;
  return {
    name,
    parameters: { fallback, rollback, largeTokens, small: small.name, large: large.name },
    samples: 1,
    async run(problem, context) {
      const { signal, tracer } = context;
      await requireCapability(small.backend, "watchTokens", `${name} (watching ${small.name}'s confidence)`, {
        signal,
      });
      await requireCapability(
        large.backend,
        "score",
        `${name} (${large.name} checking ${small.name}'s tokens)`,
        {
          signal,
        },
      );
      const score = large.backend.score?.bind(large.backend);
      if (score === undefined) throw new Error(`${name}: ${large.name} lacks score() though it claims it`);
      const base = problem.prompt ?? context.promptTemplate(problem);
      const requires = continuationCapabilities(base, name);
      const maxTokens = maxTokensOption ?? context.sampling.maxTokens ?? defaultMaxTokens;
      const smallContext = { ...context, backend: small.backend };
      const largeContext = { ...context, backend: large.backend };
      const threshold = Math.log(rollback);
      const watch: TokenWatcher = (_completion, token) => {
        const top = Math.max(token.logprob, token.topLogprobs?.[0]?.logprob ?? Number.NEGATIVE_INFINITY);
        return Math.exp(top) < fallback ? "stop" : "continue";
      };
      let written = "";
      let length = 0;
      let spent = 0;
      let lastId: string | undefined;
      let finishReason: FinishReason = "length";
      let stoppedBy: StopReason = "complete";
      for (let round = 0; length < maxTokens; round += 1) {
        const draftPrompt = continuationPrompt(base, written);
        const drafted = await generateRecorded({
          context: smallContext,
          prompt: draftPrompt,
          n: 1,
          sampling: { temperature: 0, maxTokens: maxTokens - length },
          logprobs: true,
          watch,
          requires,
          plan: await onePromptPlan(smallContext, draftPrompt),
          step: round,
          dropAborted: true,
        });
        const draft = drafted.completions[0];
        if (draft === undefined) {
          stoppedBy = drafted.stoppedBy;
          break;
        }
        lastId = draft.id;
        spent += draft.tokenCount ?? 0;
        if (draft.finishReason !== "cut") {
          written += draft.text;
          length += draft.tokenCount ?? 0;
          finishReason = draft.finishReason;
          break;
        }
        // The cut token is the one the small model was unsure of: the large model writes that position.
        const tokens = draft.tokens ?? [];
        const kept = draft.text.slice(0, draft.text.length - (tokens.at(-1)?.token.length ?? 0));
        let accepted = kept;
        let acceptedTokens = Math.max(0, tokens.length - 1);
        if (kept !== "") {
          const prompt = continuationPrompt(base, written);
          // The reading charges the prompt and the tokens it reads as its prompt, and generates none.
          const read = await onePromptPlan(largeContext, continuationPrompt(base, written + kept));
          const unaffordable = budgetShortfall(context.budget, { ...read, completions: 0 });
          if (unaffordable !== undefined) {
            stoppedBy = unaffordable;
            break;
          }
          const checked = await scoreRecorded({
            context,
            parentIds: [draft.id],
            scorer: `${name} check`,
            describedAs: `${name} check by ${large.name}`,
            resultName: "readings",
            model: large.backend.describe().model,
            score: async (callOptions) => {
              const reading = await score({ prompt, continuation: kept }, callOptions);
              return { results: [reading], calls: 0, usage: reading.usage };
            },
            event: (reading) => {
              const first = reading.tokens.findIndex((token) => token.logprob < threshold);
              const agreed = first >= 0 ? first : reading.tokens.length;
              return {
                scorer: `${name} check`,
                value: agreed,
                detail: `${large.name} accepts ${agreed} of ${reading.tokens.length} tokens of ${small.name}`,
              };
            },
          });
          const reading = checked.results?.[0];
          if (reading === undefined) {
            stoppedBy = checked.stoppedBy;
            break;
          }
          // The tokens the large model accepted, as its `score` event recorded them.
          const first = checked.values?.[0] ?? reading.tokens.length;
          if (first < reading.tokens.length) {
            accepted = kept.slice(0, piecesLength(reading.tokens, first));
            acceptedTokens = first;
            tracer.record({
              type: "note",
              parentId: draft.id,
              message: `round ${round}: ${large.name} rolls back ${reading.tokens.length - first} of ${reading.tokens.length} tokens of ${small.name} (p < β ${rollback})`,
            });
          }
        }
        written += accepted;
        length += acceptedTokens;
        const takenPrompt = continuationPrompt(base, written);
        const taken = await generateRecorded({
          context: largeContext,
          prompt: takenPrompt,
          n: 1,
          sampling: { temperature: 0, maxTokens: Math.min(largeTokens, Math.max(1, maxTokens - length)) },
          requires,
          plan: await onePromptPlan(largeContext, takenPrompt),
          step: round,
          dropAborted: true,
        });
        const step = taken.completions[0];
        if (step === undefined) {
          stoppedBy = taken.stoppedBy;
          break;
        }
        lastId = step.id;
        spent += step.tokenCount ?? 0;
        written += step.text;
        length += step.tokenCount ?? 0;
        finishReason = step.finishReason;
        if (step.finishReason === "stop") break;
      }
      // A solution cut before it ended answers nothing: what it cost is charged and in the trace.
      requireSomething(stoppedBy === "complete" && lastId !== undefined ? 1 : 0, stoppedBy);
      const answer = context.answerFormat.extract(written);
      const best: Candidate = {
        id: lastId!,
        text: written,
        answer,
        finishReason,
        completionTokens: spent,
        scores: [],
        model: `${small.name}>${large.name}`,
      };
      return { answer, best, candidates: [best], stoppedBy };
    },
  };
}

/** `bild@AxB` (and `bild@A`, β = 0.1) in the strategy catalog. */
export const bigLittleDecoderEntry: StrategyEntry = {
  forms: ["bild@AxB", "bild@A"],
  decimals: ["A", "B"],
  ceilings: { A: 1, B: 1 },
  kind: "routing",
  summary:
    "Big Little Decoder: the small model decodes; below probability A it falls back, the large model rolls back its tokens below B (default 0.1) and writes the next",
  needs: ["models"],
  replay: {
    liveOnly:
      "bild@AxB (Big Little Decoder) hands tokens between two models while they generate, which needs live generation",
  },
  create: ({ A, B }, { models }) => bigLittleDecoder({ models, fallback: A!, rollback: B }),
};
