import { scoreCallsLeft } from "../budget/index.ts";
import type { RecordedOutcome } from "../generation/index.ts";
import { mapInParallel } from "../runtime/index.ts";
import { judgeCalls } from "../scoring/index.ts";
import type { Problem, StrategyContext } from "../spec/index.ts";
import type { StepJudge } from "./step-judge.ts";

/** Options of `judgeSteps`. */
export interface JudgeStepsOptions {
  /** The problem the solutions answer, as the judge is shown it. */
  readonly problem: Problem;
  /** The solutions whose steps are judged, each its steps in order. */
  readonly solutions: readonly (readonly string[])[];
  /** Trace id of each solution, in order: the note on a reply the budget cut hangs under it. */
  readonly parentIds: readonly string[];
  /** The judge's calls (`StepJudgeModel.stepJudge`). */
  readonly judge: StepJudge;
  /** The process reward model's name: its spans are `mull.score <scorer>`, its notes start with it. */
  readonly scorer: string;
  /** The run's context: its budget sizes and is charged for each call, its tracer records the notes. */
  readonly context: StrategyContext;
}

/** What `judgeSteps` produced and why it stopped; `usage` is the judge's model usage. */
export interface JudgeStepsResult extends RecordedOutcome {
  /**
   * Per-step rewards of each solution, in order, when every step was judged (a step whose call the
   * backend refused counts 0); `undefined` when the budget or an abort left a step unjudged.
   */
  readonly rewards: readonly (readonly number[])[] | undefined;
  /** Per solution, how many of its steps count 0 because the backend refused their call. */
  readonly refused: readonly number[];
  /** Scorer calls charged to the run (one per judge call made). */
  readonly calls: number;
}

/** A prefix's key among the steps of one batch. */
const keyOf = (steps: readonly string[]): string => steps.join("\u0004");

/**
 * Judges, within the run's budget, every step of `solutions` not judged before (once, however many
 * solutions share it), in order, as many as the scorer calls left afford (`scoreCallsLeft`: the rest stay
 * unjudged and the stop reason is `score-calls`), one model call each made by `judgeCalls`: sized by
 * what the budget leaves after its counted prompt, not made when unaffordable, a reply the budget cut no
 * reward and the stop reason that limit, a call the backend refused no reward (it counts 0 here and is
 * not remembered), each with a trace note. Each reward judged is remembered (`StepJudge.remember`), also
 * when the run stops. Returns `undefined` when every step was judged before: nothing to call.
 *
 * @example
 * const judged = await judgeSteps({ problem, solutions, parentIds, judge: prm.stepJudge, scorer: prm.name, context });
 */
export async function judgeSteps(options: JudgeStepsOptions): Promise<JudgeStepsResult | undefined> {
  const { problem, solutions, parentIds, judge, scorer, context } = options;
  const wanted = new Map<string, { steps: readonly string[]; parentId: string }>();
  solutions.forEach((steps, solution) => {
    steps.forEach((_, index) => {
      const prefix = steps.slice(0, index + 1);
      const key = keyOf(prefix);
      if (!wanted.has(key) && judge.known(problem, prefix) === undefined) {
        wanted.set(key, { steps: prefix, parentId: parentIds[solution]! });
      }
    });
  });
  if (wanted.size === 0) return undefined;
  // One scorer call a step: as many as the scorer calls left afford, so that calls run at once cannot
  // together pass the limit; the rest stay unjudged and the run stops by it.
  const affordable = Math.min(scoreCallsLeft(context.budget), wanted.size);
  const asked = [...wanted.values()].slice(0, affordable);
  const requests = await mapInParallel(asked, judge.concurrency, ({ steps }) =>
    judge.request(problem, steps, steps.length - 1, { signal: context.signal }),
  );
  const fresh = new Map<string, number>();
  const called = await judgeCalls({
    requests,
    backend: judge.backend,
    concurrency: judge.concurrency,
    scorer,
    parentIds: asked.map((entry) => entry.parentId),
    unjudged: { one: "this step gets no reward", many: "those steps get no reward" },
    context,
    onReply(text, index) {
      const { steps } = asked[index]!;
      const reward = judge.reward(text);
      judge.remember(problem, steps, reward);
      fresh.set(keyOf(steps), reward);
    },
  });
  const refused = solutions.map(() => 0);
  const rewards = solutions.map((steps, solution) =>
    steps.map((_, index) => {
      const prefix = steps.slice(0, index + 1);
      const reward = fresh.get(keyOf(prefix)) ?? judge.known(problem, prefix);
      if (reward !== undefined) return reward;
      refused[solution] = (refused[solution] ?? 0) + 1;
      return 0;
    }),
  );
  const stoppedBy =
    called.stoppedBy !== "complete"
      ? called.stoppedBy
      : affordable < wanted.size
        ? "score-calls"
        : "complete";
  return {
    rewards: stoppedBy === "complete" ? rewards : undefined,
    refused,
    stoppedBy,
    calls: called.calls,
    usage: called.usage,
  };
}
