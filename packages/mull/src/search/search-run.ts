import { sampleCandidates } from "../generation/index.ts";
import { isStepLogprobObserver, scorePartialSolutions } from "../process-rewards/index.ts";
import type { VoteResult } from "../selection/index.ts";
import type {
  Candidate,
  Problem,
  Prompt,
  StopReason,
  StrategyContext,
  StrategyOutcome,
} from "../spec/index.ts";
import {
  createStepCostMeter,
  extendEachOneStep,
  type StepExtension,
  splitSteps,
  stepPrompt,
} from "../steps/index.ts";
import { requireSomething } from "../strategies/run-helpers.ts";
import { childNode } from "./child-node.ts";
import { pathSelector } from "./path-selector.ts";
import { createSearchCandidates } from "./search-candidates.ts";
import type { ExpandRequest, SearchNode } from "./search-node.ts";
import type { SearchOptions } from "./search-options.ts";
import { checkSearchRunArguments } from "./search-run-arguments.ts";
import { resolveSearchSettings, type SearchDefaults, type SearchSettings } from "./search-settings.ts";
import { createSolutionTokens } from "./solution-tokens.ts";

/** How a search ends: the population to pick from, or the one solution it settled on. */
export interface SearchChoice {
  /** Pick the answer among these nodes' complete solutions (default: every complete solution found). */
  readonly population?: readonly SearchNode[] | undefined;
  /** The search settled on this node (e.g. the first complete solution of a depth-first search). */
  readonly chosen?: SearchNode | undefined;
}

/**
 * The kit every step-level search is written with: one run over one problem. A search strategy makes
 * one with `createSearchRun`, grows its tree with `expand`, `rollout` and `score`, records its choices
 * with `recordSelection`, and ends with `finish`. The run sizes every wave to the budget, scores each node
 * once, remembers every complete solution, and stops (`cut`) when the budget, the deadline or an abort
 * stops it; the strategy runner measures what it spent.
 */
export interface SearchRun {
  /** The empty solution every path starts from. */
  readonly root: SearchNode;
  /** The search's options with every default applied. */
  readonly settings: SearchSettings;
  /** Complete solutions found so far, each once, in the order they were found. */
  readonly finished: readonly SearchNode[];
  /** Why the search stopped, or `complete` while it may go on. */
  readonly stoppedBy: StopReason;
  /** True once the budget, the deadline or an abort has stopped the search. */
  readonly cut: boolean;
  /** Stops the search with a reason (the first reason given stays). */
  stop(reason: StopReason): void;
  /**
   * Extends each node `n` times by one step, in one wave, and returns each request's children in order.
   * Complete nodes are not extended. Children that are complete join `finished` unless `track` is false
   * (a look-ahead's).
   */
  expand(requests: readonly ExpandRequest[], track?: boolean): Promise<SearchNode[][]>;
  /** Completes a node in one generation (a rollout); the result is a complete solution. */
  rollout(node: SearchNode): Promise<SearchNode | undefined>;
  /** Scores the nodes not scored yet with the PRM; false when the budget stopped scoring. */
  score(nodes: readonly SearchNode[]): Promise<boolean>;
  /** Records which nodes a selection kept (with repetition for resampling) and which it dropped. */
  recordSelection(
    method: string,
    chosen: readonly SearchNode[],
    dropped: readonly SearchNode[],
    weights?: readonly number[],
  ): void;
  /** Nodes sorted by value, best first (unscored last); ties keep their order. */
  rank(nodes: readonly SearchNode[]): SearchNode[];
  /**
   * The search's outcome: the answer chosen among the population's complete solutions by the run's
   * `select`, or the `chosen` node. A selection by score (`best`, `weighted-vote`) ranks the scored
   * solutions only; when a limit cut the scoring before any of them was scored, the finished solutions
   * answer by a majority vote instead, with a note (`argmaxOrMajority`, best-of-N's rule), so a search cut
   * after its paths finished still answers. When nothing is complete, there is no answer and no `best`: the
   * best-valued (then deepest) partial solution is kept among the candidates for reports, and a search
   * that a limit cut so ends in `BudgetExhaustedError` (`runStrategy`).
   */
  finish(choice?: SearchChoice): StrategyOutcome;
}

function stableSortDescending<Item>(items: readonly Item[], value: (item: Item) => number): Item[] {
  return items
    .map((item, index) => ({ item, index, value: value(item) }))
    .sort((a, b) => b.value - a.value || a.index - b.index)
    .map((entry) => entry.item);
}

/**
 * Starts a search run over `problem` (see `SearchRun`), with the search's options and its own defaults.
 *
 * @throws ConfigError for an argument that is missing or of the wrong kind (`createSearchRun: options.prm:
 * missing; expected a process reward model …`).
 * @example
 * async run(problem, context) {
 *   const run = createSearchRun(problem, context, options, { aggregation: "last", select: "best" });
 *   let frontier = [run.root];
 *   while (!run.cut && frontier.length > 0) {
 *     const children = (await run.expand(frontier.map((node) => ({ node, n: 4 })))).flat();
 *     if (!(await run.score(children))) break;
 *     frontier = run.rank(children).filter((node) => !node.final).slice(0, 2);
 *   }
 *   return run.finish();
 * }
 */
export function createSearchRun(
  problem: Problem,
  context: StrategyContext,
  options: SearchOptions,
  defaults: SearchDefaults,
): SearchRun {
  checkSearchRunArguments(problem, context, options, defaults);
  const settings = resolveSearchSettings(options, context, defaults);
  // Steps ask only for what the solution limit leaves, counted or (where unreported) reckoned from characters.
  const solutionTokens = createSolutionTokens(settings);
  const { prm } = options;
  const { tracer } = context;
  const basePrompt: Prompt = problem.prompt ?? context.promptTemplate(problem);
  const meter = createStepCostMeter();
  const observer = isStepLogprobObserver(prm) ? prm : undefined;
  const candidates = createSearchCandidates(prm.name, settings, context, basePrompt);
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
  let generated = 0;
  // The best-valued (then deepest) partial so far: the candidate kept for reports if nothing completes.
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
  const stop = (reason: StopReason): void => {
    if (stoppedBy === "complete") stoppedBy = reason;
  };
  const remember = (node: SearchNode): void => {
    if (!finishedSet.has(node)) {
      finishedSet.add(node);
      finished.push(node);
    }
  };

  const childOf = (parent: SearchNode, extension: StepExtension, track: boolean): SearchNode => {
    generated += 1;
    if (observer !== undefined && extension.meanLogprob !== undefined) {
      observer.observeStepLogprob(problem, extension.steps, extension.meanLogprob);
    }
    const counted = childNode(parent, extension, settings);
    // A path reckoned at the limit ends there, cut off; one that already ended keeps its own finish reason.
    const child: SearchNode =
      !counted.final && solutionTokens.spent(counted)
        ? { ...counted, final: true, finishReason: "length" }
        : counted;
    if (child.final && track) remember(child);
    if (track) consider(child);
    return child;
  };

  const selectorFor = (complete: boolean, paths: number) => {
    const scorer = complete ? candidates.solutionScorer : prm.name;
    const note = `search: no finished path was scored by ${scorer} (${paths} finished, stopped by ${stoppedBy}); falling back to a majority vote`;
    return pathSelector(settings.select, scorer, note);
  };

  const run: SearchRun = {
    root,
    settings,
    finished,
    get stoppedBy(): StopReason {
      return stoppedBy;
    },
    get cut(): boolean {
      return stoppedBy !== "complete";
    },
    stop,
    async expand(requests, track = true) {
      const open = requests.filter(
        (request) => !request.node.final && request.n > 0 && solutionTokens.stepAllowance(request.node) > 0,
      );
      if (open.length === 0 || run.cut) return requests.map(() => []);
      const wave = await extendEachOneStep({
        problem,
        partials: open.map((request) => ({
          steps: request.node.steps,
          n: request.n,
          parentId: request.node.id,
          sampling: {
            maxTokens: solutionTokens.stepAllowance(request.node),
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
      if (wave.stoppedBy !== "complete") stop(wave.stoppedBy);
      const written = wave.extensions.flat().map((extension) => extension.step);
      solutionTokens.observe(wave.usage.completionTokens, written);
      const byRequest = new Map<ExpandRequest, SearchNode[]>();
      open.forEach((request, index) => {
        const extensions = wave.extensions[index] ?? [];
        byRequest.set(
          request,
          extensions.map((extension) => childOf(request.node, extension, track)),
        );
      });
      return requests.map((request) => byRequest.get(request) ?? []);
    },
    async rollout(node) {
      if (node.final) return node;
      if (run.cut) return undefined;
      const sample = await sampleCandidates({
        problem,
        n: 1,
        context,
        sampling: {
          temperature: settings.temperature,
          stop: context.sampling.stop?.filter((stop) => stop !== settings.format.delimiter),
          ...(settings.maxSolutionTokens === undefined
            ? {}
            : { maxTokens: solutionTokens.rolloutAllowance(node) }),
        },
        prompt: stepPrompt(basePrompt, node.steps, settings.format),
        parentId: node.id,
      });
      if (sample.stoppedBy !== "complete") stop(sample.stoppedBy);
      const written = sample.candidates[0];
      if (written === undefined) return undefined;
      generated += 1;
      const child: SearchNode = {
        id: written.id,
        parent: node,
        steps: [...node.steps, ...splitSteps(written.text, settings.format)],
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
      return child;
    },
    async score(nodes) {
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
      if (scored.rewards === undefined || scored.values === undefined) {
        stop(scored.stoppedBy);
        return false;
      }
      pending.forEach((node, index) => {
        node.rewards = scored.rewards![index];
        node.value = scored.values![index];
        consider(node);
      });
      return true;
    },
    recordSelection(method, chosen, dropped, weights) {
      tracer.record({
        type: "selection",
        parentId: context.parentId,
        method,
        chosen: chosen.map((node) => node.id ?? "root"),
        dropped: dropped.map((node) => node.id ?? "root"),
        ...(weights === undefined ? {} : { weights }),
      });
    },
    rank(nodes) {
      return stableSortDescending(nodes, (node) => node.value ?? Number.NEGATIVE_INFINITY);
    },
    finish(choice = {}) {
      requireSomething(generated, stoppedBy);
      const all = finished.map(candidates.of);
      let vote: VoteResult | undefined;
      let best: Candidate | undefined;
      let answer: string | undefined;
      if (choice.chosen !== undefined) {
        best = candidates.of(choice.chosen);
        answer = best.answer;
        const key = answer === undefined ? undefined : context.answerFormat.key(answer);
        tracer.record({
          type: "vote",
          parentId: context.parentId,
          method: "search:first-complete",
          tally: key === undefined ? {} : { [key]: choice.chosen.value ?? 0 },
          winner: key,
        });
      } else {
        const complete = (choice.population ?? finished).filter((node) => node.final);
        const pool = (complete.length > 0 ? complete : finished).map(candidates.of);
        if (pool.length > 0) {
          vote = selectorFor(complete.length > 0, pool.length)(pool, context);
          best = vote.best;
          answer = vote.answer;
        }
      }
      const list = [...all];
      // Nothing complete: the best-valued, deepest partial solution is kept for reports, cut short (finish
      // reason `cut`): it answers nothing, so it is not `best`.
      if (all.length === 0 && best === undefined && bestPartial !== undefined)
        list.push({ ...candidates.of(bestPartial), finishReason: "cut" });
      return {
        answer,
        best,
        candidates: list,
        ...(vote === undefined ? {} : { votes: vote.tally }),
        stoppedBy,
      };
    },
  };
  return run;
}
