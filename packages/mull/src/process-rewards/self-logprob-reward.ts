import { z } from "zod";
import { addUsage, emptyUsage } from "../budget/index.ts";
import { CapabilityError } from "../errors/index.ts";
import { defaultPromptTemplate } from "../generation/index.ts";
import {
  checkInteger,
  mapInParallel,
  objectWithMethods,
  parseOptions,
  requireCapability,
} from "../runtime/index.ts";
import type { Backend, Problem, ProcessRewardModel, PromptTemplate, Usage } from "../spec/index.ts";
import { defaultStepFormat, type StepFormat, stepPrompt } from "../steps/index.ts";
import { problemKey } from "./problem-key.ts";
import type { StepLogprobObserver } from "./step-logprob-observer.ts";
import { createStepRewardCache } from "./step-reward-cache.ts";

/** Options of `selfLogprobReward`. */
export interface SelfLogprobRewardOptions {
  /** The policy model (the one that writes the steps). */
  readonly backend: Backend;
  /** The policy's prompt for problems without their own; default the run's default template. */
  readonly promptTemplate?: PromptTemplate | undefined;
  /** How steps are written into the prompt; default one per line. */
  readonly format?: StepFormat | undefined;
  /** `score()` calls in flight at once; default 8. */
  readonly concurrency?: number | undefined;
  /** Name; default `self-logprob:<model>`. */
  readonly name?: string | undefined;
}

/** The options the reward cannot do without; the rest are checked where they are read. */
const selfLogprobRewardOptions = z.object({
  backend: objectWithMethods<Backend>({
    expected: "a backend",
    noun: "backend",
    methods: ["describe", "capabilities", "generate"],
  }),
});

/**
 * The policy model's own confidence as a process reward: a step's reward is `exp(mean token log-prob)` of
 * the step given the prompt and the steps before it (the geometric-mean token probability, in (0, 1]).
 * Read from the generation that wrote the step when the search reports it (`StepLogprobObserver`: no
 * extra call), else by teacher forcing through the backend's `score()` (one call per step, remembered).
 *
 * @throws CapabilityError (at scoring) when a step's log-probability was not observed and the backend has
 * no `score()`.
 * @example
 * const prm = selfLogprobReward({ backend });
 * const strategy = particleFilter({ n: 8, prm });
 */
export function selfLogprobReward(
  options: SelfLogprobRewardOptions,
): ProcessRewardModel & StepLogprobObserver {
  parseOptions(selfLogprobRewardOptions, options, "selfLogprobReward");
  const { backend } = options;
  const format = options.format ?? defaultStepFormat;
  const template = options.promptTemplate ?? defaultPromptTemplate;
  const concurrency = checkInteger("selfLogprobReward", "concurrency", options.concurrency ?? 8, {
    minimum: 1,
  });
  const cache = createStepRewardCache();
  const name = options.name ?? `self-logprob:${backend.describe().model}`;
  const rewardOf = (meanLogprob: number) => Math.min(1, Math.exp(meanLogprob));
  return {
    name,
    observeStepLogprob(problem, steps, meanLogprob) {
      if (steps.length > 0 && Number.isFinite(meanLogprob)) {
        cache.set(problemKey(problem), steps, rewardOf(meanLogprob));
      }
    },
    async score(problem: Problem, solutions, callOptions) {
      const key = problemKey(problem);
      const wanted = new Map<string, readonly string[]>();
      for (const steps of solutions) {
        steps.forEach((_, index) => {
          const prefix = steps.slice(0, index + 1);
          if (cache.get(key, prefix) === undefined) wanted.set(prefix.join("\u0004"), prefix);
        });
      }
      const fresh = new Map<string, number>();
      let usage: Usage = emptyUsage;
      if (wanted.size > 0) {
        const requiredBy = `${name} (a step's log-probability, when the search did not observe it while generating)`;
        await requireCapability(backend, "score", requiredBy, callOptions);
        if (backend.score === undefined) {
          // Capabilities that claim `score` without the method: as missing as a capability can be.
          const { kind, model } = backend.describe();
          throw new CapabilityError("score", requiredBy, `the ${kind} backend (model ${model})`);
        }
        const score = backend.score.bind(backend);
        const base = problem.prompt ?? template(problem);
        const usages = await mapInParallel([...wanted.entries()], concurrency, async ([joined, prefix]) => {
          const result = await score(
            { prompt: stepPrompt(base, prefix.slice(0, -1), format), continuation: prefix.at(-1)! },
            callOptions,
          );
          const mean = result.tokens.length === 0 ? 0 : result.logprob / result.tokens.length;
          const reward = rewardOf(mean);
          cache.set(key, prefix, reward);
          fresh.set(joined, reward);
          return result.usage;
        });
        usage = addUsage(...usages);
      }
      const results = solutions.map((steps) => ({
        rewards: steps.map((_, index) => {
          const prefix = steps.slice(0, index + 1);
          return fresh.get(prefix.join("\u0004")) ?? cache.get(key, prefix) ?? 0;
        }),
      }));
      return { results, calls: usage.calls, usage };
    },
  };
}
