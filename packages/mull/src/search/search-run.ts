import { addUsage, emptyUsage } from "../budget/index.ts";
import { ConfigError } from "../errors/index.ts";
import { sampleCandidates } from "../generation/index.ts";
import {
  aggregateStepRewards,
  isStepLogprobObserver,
  type StepAggregation,
  scorePartialSolutions,
} from "../process-rewards/index.ts";
import {
  argmaxByScore,
  majorityVote,
  scoreWeight,
  type VoteResult,
  weightedVote,
} from "../selection/index.ts";
import type {
  Candidate,
  FinishReason,
  Problem,
  Prompt,
  StopReason,
  StrategyContext,
  StrategyResult,
  Usage,
} from "../spec/index.ts";
import {
  createStepCostMeter,
  defaultStepFormat,
  extendEachOneStep,
  joinSteps,
  type StepFormat,
  splitSteps,
  stepPrompt,
} from "../steps/index.ts";
import { defaultSamplingTemperature, isCut, requireSomething } from "../strategies/run-helpers.ts";
import type { FinalSelection, SearchOptions } from "./search-options.ts";

/** A partial or complete solution in a search tree. */
export interface SearchNode {
  /** Trace id of the generation that wrote its last step (the run's node for the root). */
  readonly id: string | undefined;
  readonly parent: SearchNode | undefined;
  readonly steps: readonly string[];
  /** Complete: its last step is final, or it reached the step limit. */
  readonly final: boolean;
  readonly finishReason: FinishReason;
  /** Generated tokens of the whole path, when every step's count is known. */
  readonly tokens: number | undefined;
  /** Sum of token log-probabilities of the path, when known for every step. */
  readonly logprob: number | undefined;
  /** Per-step process rewards, once scored. */
  rewards: readonly number[] | undefined;
  /** The aggregated reward, once scored. */
  value: number | undefined;
}

/** One node to extend, `n` times, optionally with other sampling (a greedy look-ahead). */
export interface ExpandRequest {
  readonly node: SearchNode;
  readonly n: number;
  readonly temperature?: number | undefined;
}

/** The resolved settings of one search run. */
interface Settings {
  readonly aggregation: StepAggregation;
  readonly finalAggregation: StepAggregation;
  readonly select: FinalSelection;
  readonly temperature: number;
  readonly format: StepFormat;
  readonly maxSteps: number;
  readonly maxStepTokens: number;
  readonly maxSolutionTokens: number | undefined;
}

/** Checks a strategy's integer parameter. */
export function checkCount(strategy: string, field: string, value: number, minimum = 1): void {
  if (!Number.isInteger(value) || value < minimum) {
    throw new ConfigError(
      `${strategy}: ${field} must be an integer ≥ ${minimum}, got ${JSON.stringify(value)}`,
      {
        field,
      },
    );
  }
}

/** The parameters a search reports in its trace, besides its own. */
export function searchParameters(options: SearchOptions): Record<string, unknown> {
  return {
    prm: options.prm.name,
    ...(options.aggregation === undefined ? {} : { aggregation: options.aggregation }),
    ...(options.finalAggregation === undefined ? {} : { finalAggregation: options.finalAggregation }),
    ...(options.select === undefined ? {} : { select: options.select }),
    ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
    ...(options.maxSteps === undefined ? {} : { maxSteps: options.maxSteps }),
  };
}

function stableSortDescending<Item>(items: readonly Item[], value: (item: Item) => number): Item[] {
  return items
    .map((item, index) => ({ item, index, value: value(item) }))
    .sort((a, b) => b.value - a.value || a.index - b.index)
    .map((entry) => entry.item);
}

/**
 * The machinery every step-level search shares: extending nodes by one step (one wave, sized to the
 * budget), scoring them with the PRM (once per node), recording selections, remembering every complete
 * solution, and building the strategy result from the nodes (with the best partial when the budget cut
 * the search before anything was complete).
 */
export function createSearchRun(
  problem: Problem,
  context: StrategyContext,
  options: SearchOptions,
  defaults: { readonly aggregation: StepAggregation; readonly select: FinalSelection },
) {
  const settings: Settings = {
    aggregation: options.aggregation ?? defaults.aggregation,
    finalAggregation: options.finalAggregation ?? "mean",
    select: options.select ?? defaults.select,
    temperature: options.temperature ?? context.sampling.temperature ?? defaultSamplingTemperature,
    format: options.format ?? defaultStepFormat,
    maxSteps: options.maxSteps ?? 40,
    maxStepTokens: options.maxStepTokens ?? 256,
    maxSolutionTokens: options.maxSolutionTokens ?? context.sampling.maxTokens,
  };
  checkCount("search", "maxSteps", settings.maxSteps);
  checkCount("search", "maxStepTokens", settings.maxStepTokens);
  if (settings.maxSolutionTokens !== undefined) {
    checkCount("search", "maxSolutionTokens", settings.maxSolutionTokens);
  }
  /** Tokens a node may still generate: the step limit, within what the solution limit leaves. */
  const stepTokensFor = (node: SearchNode): number =>
    settings.maxSolutionTokens === undefined || node.tokens === undefined
      ? settings.maxStepTokens
      : Math.min(settings.maxStepTokens, settings.maxSolutionTokens - node.tokens);
  const { prm } = options;
  const { tracer } = context;
  const basePrompt: Prompt = problem.prompt ?? context.promptTemplate(problem);
  const meter = createStepCostMeter();
  const observer = isStepLogprobObserver(prm) ? prm : undefined;
  const root: SearchNode = {
    id: context.parentId,
    parent: undefined,
    steps: [],
    final: false,
    finishReason: "unknown",
    tokens: 0,
    logprob: 0,
    rewards: [],
    value: undefined,
  };
  const finished: SearchNode[] = [];
  const finishedSet = new Set<SearchNode>();
  const candidates = new Map<SearchNode, Candidate>();
  let generated = 0;
  // Nodes of the search not scored yet.
  const unscored = new Set<SearchNode>();
  // The best-valued (then deepest) partial so far: what the search stands for if nothing completes.
  let bestPartial: SearchNode | undefined;
  const consider = (node: SearchNode): void => {
    if (node.final) return;
    const value = node.value ?? -1;
    const bestValue = bestPartial?.value ?? -1;
    if (
      bestPartial === undefined ||
      value > bestValue ||
      (value === bestValue && node.steps.length > bestPartial.steps.length)
    ) {
      bestPartial = node;
    }
  };
  let stoppedBy: StopReason = "complete";
  let usage: Usage = emptyUsage;
  let scoreCalls = 0;

  const stop = (reason: StopReason): void => {
    if (stoppedBy === "complete") stoppedBy = reason;
  };
  const remember = (node: SearchNode): void => {
    if (!finishedSet.has(node)) {
      finishedSet.add(node);
      finished.push(node);
    }
  };

  // Complete solutions are ranked for the final pick by all their step rewards, under this name.
  const solutionScorer = `${prm.name}:${settings.finalAggregation}`;
  const candidateOf = (node: SearchNode): Candidate => {
    const known = candidates.get(node);
    if (known !== undefined) return known;
    const text = joinSteps(node.steps, basePrompt.kind, settings.format);
    const candidate: Candidate = {
      id: node.id ?? "root",
      text,
      answer: node.final ? context.answerFormat.extract(text) : undefined,
      finishReason: node.finishReason,
      completionTokens: node.tokens,
      logprob: node.logprob,
      meanLogprob: node.logprob !== undefined && node.tokens ? node.logprob / node.tokens : undefined,
      scores:
        node.value === undefined
          ? []
          : [
              { scorer: prm.name, kind: "process", value: node.value, steps: node.rewards },
              ...(node.final && node.rewards !== undefined && node.rewards.length > 0
                ? [
                    {
                      scorer: solutionScorer,
                      kind: "outcome" as const,
                      value: aggregateStepRewards(node.rewards, settings.finalAggregation),
                    },
                  ]
                : []),
            ],
      steps: node.steps,
    };
    candidates.set(node, candidate);
    return candidate;
  };

  const run = {
    root,
    settings,
    /** Complete solutions found so far, each once, in the order they were found. */
    finished: finished as readonly SearchNode[],
    get stoppedBy(): StopReason {
      return stoppedBy;
    },
    /** True once the budget, the deadline or an abort has stopped the search. */
    get cut(): boolean {
      return stoppedBy !== "complete";
    },
    stop,
    /**
     * Extends each node `n` times by one step, in one wave. Complete nodes are not extended. Children
     * that are complete join `finished` unless `track` is false (a look-ahead's).
     */
    async expand(requests: readonly ExpandRequest[], track = true): Promise<SearchNode[][]> {
      const open = requests.filter(
        (request) => !request.node.final && request.n > 0 && stepTokensFor(request.node) > 0,
      );
      if (open.length === 0 || run.cut) return requests.map(() => []);
      const wave = await extendEachOneStep({
        problem,
        partials: open.map((request) => ({
          steps: request.node.steps,
          n: request.n,
          parentId: request.node.id,
          sampling: {
            maxTokens: stepTokensFor(request.node),
            ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
          },
        })),
        context,
        format: settings.format,
        sampling: { temperature: settings.temperature },
        logprobs: observer !== undefined,
        meter,
        prompt: basePrompt,
      });
      usage = addUsage(usage, wave.usage);
      if (wave.stoppedBy !== "complete") stop(wave.stoppedBy);
      const byRequest = new Map<ExpandRequest, SearchNode[]>();
      open.forEach((request, index) => {
        const parent = request.node;
        const children = (wave.extensions[index] ?? []).map((extension): SearchNode => {
          generated += 1;
          if (observer !== undefined && extension.meanLogprob !== undefined) {
            observer.observeStepLogprob(problem, extension.steps, extension.meanLogprob);
          }
          const tokens =
            parent.tokens === undefined || extension.completionTokens === undefined
              ? undefined
              : parent.tokens + extension.completionTokens;
          const spent =
            settings.maxSolutionTokens !== undefined &&
            tokens !== undefined &&
            tokens >= settings.maxSolutionTokens;
          const forced = !extension.final && (extension.steps.length >= settings.maxSteps || spent);
          const child: SearchNode = {
            id: extension.id,
            parent,
            steps: extension.steps,
            final: extension.final || forced,
            finishReason: forced ? "length" : extension.final ? "stop" : extension.finishReason,
            tokens,
            logprob:
              parent.logprob === undefined || extension.logprob === undefined
                ? undefined
                : parent.logprob + extension.logprob,
            rewards: undefined,
            value: undefined,
          };
          if (child.final && track) remember(child);
          if (track) {
            unscored.add(child);
            consider(child);
          }
          return child;
        });
        byRequest.set(request, children);
      });
      return requests.map((request) => byRequest.get(request) ?? []);
    },
    /** Completes a node in one generation (a rollout); the result is a complete solution. */
    async rollout(node: SearchNode): Promise<SearchNode | undefined> {
      if (node.final) return node;
      if (run.cut) return undefined;
      const sample = await sampleCandidates({
        problem,
        n: 1,
        context,
        sampling: {
          temperature: settings.temperature,
          stop: context.sampling.stop?.filter((stop) => stop !== settings.format.delimiter),
          ...(settings.maxSolutionTokens === undefined || node.tokens === undefined
            ? {}
            : { maxTokens: Math.max(1, settings.maxSolutionTokens - node.tokens) }),
        },
        prompt: stepPrompt(basePrompt, node.steps, settings.format),
        parentId: node.id,
      });
      usage = addUsage(usage, sample.usage);
      if (sample.stoppedBy !== "complete") stop(sample.stoppedBy);
      const written = sample.candidates[0];
      if (written === undefined) return undefined;
      generated += 1;
      const steps = [...node.steps, ...splitSteps(written.text, settings.format)];
      const child: SearchNode = {
        id: written.id,
        parent: node,
        steps,
        final: true,
        finishReason: written.finishReason,
        tokens:
          node.tokens === undefined || written.completionTokens === undefined
            ? undefined
            : node.tokens + written.completionTokens,
        logprob: undefined,
        rewards: undefined,
        value: undefined,
      };
      remember(child);
      unscored.add(child);
      return child;
    },
    /** Scores the nodes not scored yet; false when the budget stopped scoring. */
    async score(nodes: readonly SearchNode[]): Promise<boolean> {
      const pending = [...new Set(nodes)].filter((node) => node.value === undefined && node !== root);
      if (pending.length === 0) return true;
      // After a generation limit, what was generated may still be scored: the PRM budget decides.
      const scored = await scorePartialSolutions({
        problem,
        partials: pending.map((node) => ({ id: node.id ?? "root", steps: node.steps })),
        prm,
        context,
        aggregation: settings.aggregation,
      });
      scoreCalls += scored.calls;
      usage = addUsage(usage, { ...scored.usage, calls: 0 });
      if (scored.rewards === undefined || scored.values === undefined) {
        stop(scored.stoppedBy);
        return false;
      }
      pending.forEach((node, index) => {
        node.rewards = scored.rewards![index];
        node.value = scored.values![index];
        unscored.delete(node);
        consider(node);
      });
      return true;
    },
    /** Records which nodes a selection kept (with repetition for resampling) and which it dropped. */
    recordSelection(
      method: string,
      chosen: readonly SearchNode[],
      dropped: readonly SearchNode[],
      weights?: readonly number[],
    ) {
      tracer.record({
        type: "selection",
        parentId: context.parentId,
        method,
        chosen: chosen.map((node) => node.id ?? "root"),
        dropped: dropped.map((node) => node.id ?? "root"),
        ...(weights === undefined ? {} : { weights }),
      });
    },
    /** Nodes sorted by value, best first (unscored last); ties keep their order. */
    rank(nodes: readonly SearchNode[]): SearchNode[] {
      return stableSortDescending(nodes, (node) => node.value ?? Number.NEGATIVE_INFINITY);
    },
    /**
     * The strategy result (nodes not scored yet are scored first, when the PRM budget allows): the answer chosen among `population` (default every complete solution) by the
     * run's selection, or `chosen` when the search settled on one; when nothing is complete, the best
     * partial solution, without an answer.
     */
    finish(
      choice: { readonly population?: readonly SearchNode[]; readonly chosen?: SearchNode } = {},
    ): StrategyResult {
      requireSomething(generated, stoppedBy);
      const all = finished.map(candidateOf);
      let vote: VoteResult | undefined;
      let best: Candidate | undefined;
      let answer: string | undefined;
      if (choice.chosen !== undefined) {
        best = candidateOf(choice.chosen);
        answer = best.answer;
        const key = answer === undefined ? undefined : context.answerFormat.key(answer);
        tracer.record({
          type: "vote",
          parentId: context.parentId,
          method: "search:first-complete",
          tally: key === undefined ? {} : { [key]: choice.chosen.value ?? 0 },
          winner: key,
        });
        vote = undefined;
      } else {
        const complete = (choice.population ?? finished).filter((node) => node.final);
        const pool = (complete.length > 0 ? complete : finished).map(candidateOf);
        if (pool.length > 0) {
          const selector =
            settings.select === "best"
              ? argmaxByScore({ scorer: complete.length > 0 ? solutionScorer : prm.name })
              : settings.select === "weighted-vote"
                ? weightedVote({
                    weight: scoreWeight({ scorer: complete.length > 0 ? solutionScorer : prm.name }),
                  })
                : majorityVote();
          vote = selector(pool, context);
          best = vote.best;
          answer = vote.answer;
        }
      }
      const candidateList = [...all];
      if (all.length === 0 && best === undefined && bestPartial !== undefined) {
        // Nothing complete: the best-valued, deepest partial solution stands for the search, without an answer.
        best = candidateOf(bestPartial);
        candidateList.push(best);
      }
      return {
        answer,
        best,
        candidates: candidateList,
        ...(vote === undefined ? {} : { votes: vote.tally }),
        stoppedBy,
        partial: isCut(stoppedBy),
        usage,
        scoreCalls,
      };
    },
  };
  return run;
}

/** The run object `createSearchRun` returns. */
export type SearchRun = ReturnType<typeof createSearchRun>;
