import { createBudget, type RunBudget } from "../../budget/index.ts";
import { defaultPromptTemplate } from "../../generation/index.ts";
import { type AllocateComputeOptions, type AllocatedProblem, allocateCompute } from "../../routing/index.ts";
import { seededRng } from "../../runtime/index.ts";
import type { StrategyContext } from "../../spec/index.ts";
import { createTracer } from "../../trace/index.ts";
import type { BenchProblem } from "../datasets/index.ts";
import { problemSeed } from "./problem-seed.ts";
import type { RunBenchOptions } from "./run-bench-options.ts";
import { type PairContext, type PairOutcome, pairFailure, recordPair } from "./run-pair.ts";
import { sampleRecords } from "./sample-records.ts";
import type { AllocationStrategy } from "./strategy-sweep.ts";
import { traceScoreRecorder } from "./trace-score-recorder.ts";

/** What became of one problem of an allocation. */
export interface AllocationOutcome {
  readonly problem: BenchProblem;
  readonly outcome: PairOutcome;
}

/** The models of an allocation with a route: the probes' and the one that draws the extra samples. */
function routedModels(strategy: AllocationStrategy, options: RunBenchOptions) {
  const route = strategy.allocation.route;
  if (route === undefined || options.resolveModel === undefined) return undefined;
  const [probe, main] = route as [string, string];
  return {
    probeModel: { name: probe, backend: options.resolveModel(probe) },
    backend: options.resolveModel(main),
  };
}

/**
 * Runs a compute-optimal allocation entry of a bench run (`alloc@4`, `alloc-mass@4g`; `allocateCompute`)
 * over every problem of the run, since where the samples go depends on every problem's probe, and records
 * the result of each problem in `pending` as a pair of the run would be: its answer, its graded samples,
 * its usage (by model, with a route) and the seed its rng drew from (`problemSeed` of the run seed, the
 * problem and the entry's name). The same seeds give the same batch, so a resumed run that recomputes the
 * probes of problems already recorded records the others exactly as an uninterrupted run would. Each
 * problem's runs share one per-pair budget (token and call limits); a time limit is refused, since the
 * problems' runs interleave. A problem's latency is its share of the batch's wall time. An interrupt drops
 * the whole batch, which is recorded all at once after its last run.
 *
 * @example
 * const outcomes = await runAllocation(strategy, plan.problems, new Set(["p1", "p2"]), context, 4);
 */
export async function runAllocation(
  strategy: AllocationStrategy,
  problems: readonly BenchProblem[],
  pending: ReadonlySet<string>,
  context: PairContext,
  concurrency: number,
): Promise<AllocationOutcome[]> {
  const { options, clock, signal, grader } = context;
  const waiting = problems.filter((problem) => pending.has(problem.id));
  const failed = (error: unknown): AllocationOutcome[] =>
    waiting
      .slice(0, 1)
      .map((problem) => ({ problem, outcome: pairFailure(problem, strategy, error, context) }));
  // A batch cut by the interrupt is not this run's result: leave it for the resume.
  const dropped = (): AllocationOutcome[] =>
    waiting.map((problem) => ({ problem, outcome: { kind: "dropped" } }));
  const seedOf = (problem: BenchProblem) => problemSeed(context.seed, problem.id, strategy.name);
  const budgets: RunBudget[] = [];
  const started = clock.now();
  let routed: ReturnType<typeof routedModels>;
  try {
    routed = routedModels(strategy, options);
  } catch (error) {
    return failed(error);
  }
  const recorder = traceScoreRecorder(routed?.backend ?? options.backend);
  let results: AllocatedProblem<BenchProblem>[];
  try {
    const { allocation } = strategy;
    const settings: AllocateComputeOptions<BenchProblem> = {
      totalSamples: allocation.samplesPerProblem * problems.length,
      signal: allocation.signal,
      probe: allocation.probe,
      maxSamples: allocation.maxSamples,
      greedyProbe: allocation.greedyProbe,
      probeModel: routed?.probeModel,
      concurrency,
      context: (problem): StrategyContext => {
        const budget = createBudget(options.budget ?? {}, { clock, signal });
        budgets.push(budget);
        return {
          backend: recorder.backend,
          budget,
          rng: seededRng(seedOf(problem)),
          clock,
          tracer: createTracer(clock),
          parentId: undefined,
          answerFormat: context.answerFormat,
          promptTemplate: context.promptTemplate ?? defaultPromptTemplate,
          sampling: { ...(options.sampling ?? {}), ...strategy.sampling },
          ...(options.thinkingCues === undefined ? {} : { thinkingCues: options.thinkingCues }),
          signal: budget.signal,
        };
      },
    };
    results = await allocateCompute(problems, settings);
  } catch (error) {
    return signal.aborted ? dropped() : failed(error);
  } finally {
    for (const budget of budgets) budget.close();
  }
  if (signal.aborted) return dropped();
  const latency = (clock.now() - started) / problems.length;
  const outcomes: AllocationOutcome[] = [];
  for (const result of results) {
    const { problem, usage } = result;
    if (!pending.has(problem.id)) continue;
    const samples = sampleRecords(problem, strategy.name, result, grader, recorder.scoresOf);
    const record = {
      problemId: problem.id,
      strategy: strategy.name,
      seed: seedOf(problem),
      answer: result.answer,
      correct: grader.grade(result.answer, problem.gold),
      samples: result.candidates.length,
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      calls: usage.calls,
      scoreCalls: 0,
      latencyMilliseconds: latency,
      stoppedBy: result.stoppedBy,
      ...(strategy.allocation.route === undefined ? {} : { usageByModel: result.usageByModel }),
    };
    const outcome = await recordPair(problem, strategy, record, samples, context);
    outcomes.push({ problem, outcome });
    if (outcome.kind === "failed") break;
  }
  return outcomes;
}
