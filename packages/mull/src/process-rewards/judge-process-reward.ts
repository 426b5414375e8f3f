import { z } from "zod";
import { addUsage, emptyUsage } from "../budget/index.ts";
import {
  checkInteger,
  checkNumber,
  mapInParallel,
  objectWithMethods,
  parseOptions,
} from "../runtime/index.ts";
import { emptyJudgedProblems, judgePromptTokens, parseJudgeVerdict } from "../scoring/index.ts";
import type { Backend, Problem, Prompt, StepCostRequest, Usage } from "../spec/index.ts";
import { problemKey } from "./problem-key.ts";
import type { StepJudge, StepJudgeModel } from "./step-judge.ts";
import { createStepRewardCache } from "./step-reward-cache.ts";

/** Options of `judgeProcessReward`. */
export interface JudgeProcessRewardOptions {
  /** The judge: any backend (it may be the policy model itself). */
  readonly backend: Backend;
  /** Name; default `step-judge:<model>`. */
  readonly name?: string | undefined;
  /**
   * The judge's prompt for step `index` of `steps` (the steps before it are its context). Default: a chat
   * prompt (a text prompt for a backend without chat) asking whether the new step is correct, YES or NO.
   */
  readonly template?: ((problem: Problem, steps: readonly string[], index: number) => Prompt) | undefined;
  /** Reads a verdict in [0, 1] from the reply; default `parseJudgeVerdict`. No verdict scores 0. */
  readonly parse?: ((reply: string) => number | undefined) | undefined;
  /** Judge temperature; default 0. */
  readonly temperature?: number | undefined;
  /** Longest judge reply, in tokens; default 256. */
  readonly maxTokens?: number | undefined;
  /** Judge calls in flight at once; default 4. */
  readonly concurrency?: number | undefined;
}

function question(problem: Problem, steps: readonly string[], index: number): string {
  const before = steps
    .slice(0, index)
    .map((step, position) => `${position + 1}. ${step}`)
    .join("\n");
  return (
    `Problem:\n${problem.question}\n\n` +
    `Steps so far:\n${before === "" ? "(none)" : before}\n\n` +
    `New step:\n${steps[index]}\n\n` +
    "Is the new step correct, given the problem and the steps before it? Answer YES or NO."
  );
}

/** The default judge prompt: a chat (a system message and the question), or a text for a backend without chat. */
function defaultStepPrompt(problem: Problem, steps: readonly string[], index: number, chat: boolean): Prompt {
  return chat
    ? {
        kind: "chat",
        messages: [
          { role: "system", content: "You check solutions one step at a time, strictly." },
          { role: "user", content: question(problem, steps, index) },
        ],
      }
    : { kind: "text", text: `${question(problem, steps, index)}\nAnswer:` };
}

/** The options the judge cannot do without; the rest are checked where they are read. */
const judgeRewardOptions = z.object({
  backend: objectWithMethods<Backend>({
    expected: "a backend",
    noun: "backend",
    methods: ["describe", "capabilities", "generate"],
  }),
});

/**
 * A process reward model that asks a model to judge each step (an LLM judge per step): one call per step
 * at temperature 0, the verdict read from the reply (`YES` → 1, `NO` → 0, `Score: 7/10` → 0.7). A step
 * is judged once: its reward is remembered for the same problem and the same steps up to it, since a
 * search asks again for every prefix at each step. Calls and usage are counted. In a run its calls go
 * through the run (`stepJudge`, made by `scorePartialSolutions`): each asks no more tokens than the
 * budget leaves, one the budget cannot afford is not made, a reply the budget cut gives no reward and
 * stops the run by that limit, and a call the backend refuses gives that step no reward (0, not
 * remembered), each with a trace note. Its `worstCaseTokens` for one step is the judge's prompt at its
 * longest (the template's own text around an empty problem and `pathSteps` empty steps, chat or text,
 * at the request's characters per token and a few tokens per chat message, plus the problem's prompt
 * and the path's `pathTokens`) and its `maxTokens` reply.
 *
 * @example
 * const prm = judgeProcessReward({ backend: judgeBackend });
 * const strategy = particleFilter({ n: 8, prm });
 */
export function judgeProcessReward(options: JudgeProcessRewardOptions): StepJudgeModel {
  parseOptions(judgeRewardOptions, options, "judgeProcessReward");
  const { backend } = options;
  const concurrency = checkInteger("judgeProcessReward", "concurrency", options.concurrency ?? 4, {
    minimum: 1,
  });
  const maxTokens = checkInteger("judgeProcessReward", "maxTokens", options.maxTokens ?? 256, { minimum: 1 });
  const parse = options.parse ?? ((reply: string) => parseJudgeVerdict(reply)?.value);
  const template = options.template;
  const cache = createStepRewardCache();
  const name = options.name ?? `step-judge:${backend.describe().model}`;
  const stepJudge: StepJudge = {
    backend,
    concurrency,
    async request(problem, steps, index, callOptions) {
      const prompt =
        template === undefined
          ? defaultStepPrompt(problem, steps, index, (await backend.capabilities(callOptions)).chat)
          : template(problem, steps, index);
      return { prompt, n: 1, temperature: options.temperature ?? 0, maxTokens };
    },
    reward(reply) {
      const verdict = parse(reply);
      return verdict === undefined || Number.isNaN(verdict) ? 0 : Math.min(1, Math.max(0, verdict));
    },
    known: (problem, steps) => cache.get(problemKey(problem), steps),
    remember: (problem, steps, reward) => cache.set(problemKey(problem), steps, reward),
  };
  // The judge reads the problem (within the prompt), the path up to the step (within pathTokens) and its template.
  const worstCaseTokens = (request: StepCostRequest): number => {
    const owner = "judgeProcessReward.worstCaseTokens";
    const perToken = checkNumber(owner, "charactersPerToken", request.charactersPerToken ?? 1, {
      exclusiveMinimum: 0,
    });
    const pathSteps = checkInteger(owner, "pathSteps", request.pathSteps, { minimum: 1 });
    const steps = Array.from({ length: pathSteps }, () => "");
    const rendered = emptyJudgedProblems.flatMap((problem) =>
      template === undefined
        ? [true, false].map((chat) => defaultStepPrompt(problem, steps, pathSteps - 1, chat))
        : [template(problem, steps, pathSteps - 1)],
    );
    const templateTokens = Math.max(...rendered.map((prompt) => judgePromptTokens(prompt, perToken)));
    return templateTokens + request.promptTokens + request.pathTokens + maxTokens;
  };
  return {
    name,
    stepJudge,
    worstCaseTokens,
    async score(problem, solutions, callOptions) {
      // Every step not judged before, once even when several solutions share it.
      const wanted = new Map<string, { steps: readonly string[]; index: number }>();
      for (const steps of solutions) {
        steps.forEach((_, index) => {
          const prefix = steps.slice(0, index + 1);
          if (stepJudge.known(problem, prefix) === undefined)
            wanted.set(prefix.join("\u0004"), { steps, index });
        });
      }
      const fresh = new Map<string, number>();
      const judged = await mapInParallel(
        [...wanted.entries()],
        concurrency,
        async ([key, { steps, index }]) => {
          const request = await stepJudge.request(problem, steps, index, callOptions);
          const result = await backend.generate(request, callOptions);
          const reward = stepJudge.reward(result.completions[0]?.text ?? "");
          stepJudge.remember(problem, steps.slice(0, index + 1), reward);
          fresh.set(key, reward);
          return result.usage;
        },
      );
      const usage: Usage = judged.length === 0 ? emptyUsage : addUsage(...judged);
      const results = solutions.map((steps) => ({
        rewards: steps.map((_, index) => {
          const prefix = steps.slice(0, index + 1);
          return fresh.get(prefix.join("\u0004")) ?? stepJudge.known(problem, prefix) ?? 0;
        }),
      }));
      return { results, calls: usage.calls, usage };
    },
  };
}
