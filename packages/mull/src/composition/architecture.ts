import { z } from "zod";
import { BudgetExhaustedError, ConfigError, MullError } from "../errors/index.ts";
import { generateRecorded, sampleCandidates } from "../generation/index.ts";
import { checkInteger, expecting, mapInParallel, requireCapability } from "../runtime/index.ts";
import { latestScore, scoreCandidates } from "../scoring/index.ts";
import { majorityVote, recordPick } from "../selection/index.ts";
import type {
  Candidate,
  OutcomeScorer,
  Problem,
  ProcessRewardModel,
  StopReason,
  Strategy,
  StrategyContext,
  StrategyOutcome,
} from "../spec/index.ts";
import { checkFactoryOptions } from "../strategies/factory-options.ts";
import {
  checkedByFactory,
  namedBackendsOption,
  outcomeScorerOption,
  processRewardOption,
} from "../strategies/option-schemas.ts";
import { defaultSamplingTemperature, firstStop, requireSomething } from "../strategies/run-helpers.ts";
import type { NamedBackend } from "../strategies/strategy-entry.ts";
import type { ArchitectureLayer } from "./architecture-layer.ts";
import { architectureWorstCase, plannedGenerations } from "./architecture-worst-case.ts";
import { critiquePrompt, fusionPrompt } from "./fusion-prompt.ts";
import { formatArchitecture, parseArchitecture } from "./parse-architecture.ts";
import { scoreCandidateSteps } from "./score-candidate-steps.ts";

/** Options of `architecture`. */
export interface ArchitectureOptions {
  /** The layers, or their spec (`gen@8+verify+rank@2+fuse@1+vote`, see `parseArchitecture`). */
  readonly layers: string | readonly ArchitectureLayer[];
  /** The outcome scorer of `rank@K` and `verify` layers. */
  readonly scorer?: OutcomeScorer | undefined;
  /** The process reward model of `rank-prm@K` and `test` layers. */
  readonly prm?: ProcessRewardModel | undefined;
  /** The models layers name (`gen@4(lab-small)`), by name. */
  readonly models?: readonly NamedBackend[] | undefined;
  /** The longest critique, in tokens; default 512. */
  readonly critiqueTokens?: number | undefined;
  /** Critiques written at once; default 4. */
  readonly concurrency?: number | undefined;
}

const architectureOptions = z.strictObject({
  layers: z.custom<string | readonly ArchitectureLayer[]>(
    (value) => typeof value === "string" || Array.isArray(value),
    { error: expecting("a spec (gen@8+vote) or an array of layers") },
  ),
  scorer: outcomeScorerOption.optional(),
  prm: processRewardOption.optional(),
  models: namedBackendsOption.optional(),
  critiqueTokens: checkedByFactory,
  concurrency: checkedByFactory,
} satisfies Record<keyof ArchitectureOptions, unknown>);

/** Checks that what each layer needs was given, naming the layer. */
function checkNeeds(name: string, layers: readonly ArchitectureLayer[], options: ArchitectureOptions): void {
  const models = new Set((options.models ?? []).map((model) => model.name));
  layers.forEach((layer, index) => {
    const position = `${name}: layer ${index + 1} (${formatArchitecture([layer])})`;
    const byScorer = layer.kind === "verify" || (layer.kind === "rank" && layer.by === "scorer");
    if (byScorer && options.scorer === undefined) {
      throw new ConfigError(
        `${position} needs an outcome scorer (a checker, a judge or a reward model); pass scorer`,
        {
          field: "scorer",
        },
      );
    }
    const byPrm = layer.kind === "test" || (layer.kind === "rank" && layer.by === "prm");
    if (byPrm && options.prm === undefined) {
      throw new ConfigError(
        `${position} needs a process reward model (--prm exact | noisy:FP,FN | self | judge | URL)`,
        {
          field: "prm",
        },
      );
    }
    if ("model" in layer && layer.model !== undefined && !models.has(layer.model)) {
      throw new ConfigError(
        `${position} names the model ${JSON.stringify(layer.model)}, which is not among the models given (${[...models].join(", ") || "none"})`,
        { field: "models" },
      );
    }
  });
}

/** The pool and the record of every candidate made, kept in step as layers score and filter. */
class CandidatePool {
  /** Every candidate made, in order, with its latest scores. */
  readonly made: Candidate[] = [];
  current: Candidate[] = [];

  add(candidates: readonly Candidate[]): void {
    this.made.push(...candidates);
    this.current.push(...candidates);
  }

  replace(candidates: readonly Candidate[]): void {
    this.made.push(...candidates);
    this.current = [...candidates];
  }

  /** Puts rescored candidates in place of their earlier versions, in the pool and the record. */
  update(candidates: readonly Candidate[]): void {
    const byId = new Map(candidates.map((candidate) => [candidate.id, candidate]));
    const latest = (candidate: Candidate) => byId.get(candidate.id) ?? candidate;
    this.current = this.current.map(latest);
    this.made.splice(0, this.made.length, ...this.made.map(latest));
  }
}

/**
 * An inference architecture (Archon, Saad-Falcon et al. 2024): layers of inference-time techniques applied
 * in order to a pool of candidates — generation (several `gen` layers on several models make an
 * ensemble), critique, fusion, ranking, verification and step tests — and a last layer that answers by a
 * majority vote or with the best-ranked candidate. It is named by its spec (`gen@8+verify+rank@2+vote`).
 *
 * Each layer leaves a `note` in the trace with the pool it left. Scores given by one layer are reused by
 * later layers of the same scorer. When the budget cuts a layer short, the layers after it are skipped
 * and the answer is chosen over the pool as it stands (the run is `partial`). A `verify` or `test` layer
 * that would leave nothing keeps the pool as it was, and says so. A `critique` needs a backend that takes
 * chat prompts; a `rank-lp@K` one that returns log-probabilities. A `test` or `rank-prm@K` layer scores a
 * candidate by its weakest step (`scoreCandidateSteps`): a step judge's calls are made within the budget,
 * as a search's are. Its worst case (`worstCaseTokens` with a `critique` or `fuse`, `judgedSteps` with a
 * `test` or `rank-prm@K`; see `architectureWorstCase`) counts what critiques and fusions re-read and each
 * step the process reward model may judge.
 *
 * @throws ConfigError for an unknown option or one of the wrong kind (`architecture: scorr: unknown key
 * (architecture takes layers, scorer, …)`), a malformed spec or layer, a layer whose scorer, process reward model or model
 * was not given, a `critique` with no `fuse` after it, or a `critiqueTokens` or `concurrency` below 1.
 * @example
 * const strategy = architecture({ layers: "gen@8+test+rank-prm@1+first", prm: labProcessReward() });
 * const result = await solve({ problem: "37+48-19=?", strategy, backend });
 */
export function architecture(options: ArchitectureOptions): Strategy {
  checkFactoryOptions(architectureOptions, options, "architecture");
  const layers =
    typeof options.layers === "string"
      ? parseArchitecture(options.layers)
      : parseArchitecture(formatArchitecture(options.layers));
  const name = formatArchitecture(layers);
  checkNeeds(name, layers, options);
  const models = new Map((options.models ?? []).map((model) => [model.name, model.backend]));
  const critiqueTokens = checkInteger("architecture", "critiqueTokens", options.critiqueTokens ?? 512, {
    minimum: 1,
  });
  const concurrency = checkInteger("architecture", "concurrency", options.concurrency ?? 4, { minimum: 1 });
  const logprobs = layers.some((layer) => layer.kind === "rank" && layer.by === "logprob");
  const answering = layers.at(-1)?.kind === "first" ? "first" : "vote";

  const on = (context: StrategyContext, model: string | undefined): StrategyContext =>
    model === undefined ? context : { ...context, backend: models.get(model)! };

  /** The name of the scores a layer ranks or filters by: the outcome scorer's, or the PRM's. */
  const scoreName = (by: "scorer" | "prm"): string => (by === "prm" ? options.prm! : options.scorer!).name;

  /** Scores the pool's candidates not yet scored by the outcome scorer or the PRM; returns why it stopped. */
  async function ensureScored(
    pool: CandidatePool,
    by: "scorer" | "prm",
    problem: Problem,
    context: StrategyContext,
  ): Promise<StopReason> {
    const unscored = pool.current.filter((candidate) => latestScore(candidate, scoreName(by)) === undefined);
    if (unscored.length === 0) return "complete";
    const scored =
      by === "prm"
        ? await scoreCandidateSteps({ problem, candidates: unscored, prm: options.prm!, context })
        : await scoreCandidates({ problem, candidates: unscored, scorer: options.scorer!, context });
    pool.update(scored.candidates);
    return scored.stoppedBy;
  }

  /** Runs one layer over the pool; returns why it stopped (`complete` when it did all it planned). */
  async function runLayer(
    layer: ArchitectureLayer,
    pool: CandidatePool,
    critiques: Map<string, string>,
    problem: Problem,
    context: StrategyContext,
  ): Promise<StopReason> {
    switch (layer.kind) {
      case "generate":
      case "fuse": {
        const layerContext = on(context, layer.model);
        if (logprobs)
          await requireCapability(layerContext.backend, "logprobs", name, { signal: context.signal });
        const prompt =
          layer.kind === "fuse"
            ? fusionPrompt(
                problem.prompt ?? context.promptTemplate(problem),
                pool.current.map((candidate) => ({
                  text: candidate.text,
                  critique: critiques.get(candidate.id),
                })),
              )
            : undefined;
        const sample = await sampleCandidates({
          problem,
          n: layer.samples,
          context: layerContext,
          prompt,
          sampling: {
            temperature: layer.temperature ?? context.sampling.temperature ?? defaultSamplingTemperature,
          },
          logprobs,
        });
        if (layer.kind === "generate") pool.add(sample.candidates);
        // A fuse cut before it wrote anything leaves the pool it was given.
        else if (sample.candidates.length > 0) pool.replace(sample.candidates);
        return sample.stoppedBy;
      }
      case "critique": {
        const layerContext = on(context, layer.model);
        const written = await mapInParallel(pool.current, concurrency, async (candidate) => {
          const call = await generateRecorded({
            context: layerContext,
            prompt: critiquePrompt(problem.question, candidate.text),
            n: 1,
            sampling: { temperature: 0, maxTokens: critiqueTokens },
            parentId: candidate.id,
            requires: { capabilities: ["chat"], requiredBy: `${name} (critique)` },
          });
          const text = call.completions[0]?.text;
          if (text !== undefined) critiques.set(candidate.id, text);
          return call.stoppedBy;
        });
        return firstStop(...written);
      }
      case "rank": {
        let stoppedBy: StopReason = "complete";
        let value: (candidate: Candidate) => number | undefined;
        if (layer.by === "logprob") {
          value = (candidate) => candidate.meanLogprob;
        } else {
          const name = scoreName(layer.by);
          stoppedBy = await ensureScored(pool, layer.by, problem, context);
          value = (candidate) => latestScore(candidate, name);
        }
        // A stable sort: ties, and candidates without a value (last), keep the pool's order.
        const ranked = pool.current
          .map((candidate, index) => ({
            candidate,
            index,
            value: value(candidate) ?? Number.NEGATIVE_INFINITY,
          }))
          .sort((a, b) => b.value - a.value || a.index - b.index)
          .map((entry) => entry.candidate);
        pool.current = ranked.slice(0, layer.keep);
        return stoppedBy;
      }
      case "verify":
      case "test": {
        const by = layer.kind === "test" ? "prm" : "scorer";
        const stoppedBy = await ensureScored(pool, by, problem, context);
        const passed = pool.current.filter((candidate) => {
          const score = latestScore(candidate, scoreName(by));
          return score !== undefined && score >= layer.threshold;
        });
        if (passed.length > 0) pool.current = passed;
        else {
          context.tracer.record({
            type: "note",
            parentId: context.parentId,
            message: `${name}: ${layer.kind} passed none of ${pool.current.length} candidates at ${layer.threshold}; keeping them all`,
          });
        }
        return stoppedBy;
      }
      default:
        return "complete";
    }
  }

  return {
    name,
    parameters: {
      layers: name,
      ...(options.scorer === undefined ? {} : { scorer: options.scorer.name }),
      ...(options.prm === undefined ? {} : { prm: options.prm.name }),
      ...(models.size === 0 ? {} : { models: [...models.keys()] }),
    },
    samples: plannedGenerations(layers),
    ...architectureWorstCase(layers, critiqueTokens),
    async run(problem, context): Promise<StrategyOutcome> {
      const pool = new CandidatePool();
      const critiques = new Map<string, string>();
      let stoppedBy: StopReason = "complete";
      for (const [index, layer] of layers.entries()) {
        const before = pool.current.length;
        try {
          stoppedBy = await runLayer(layer, pool, critiques, problem, context);
        } catch (error) {
          // Say which layer failed (a fused prompt too long for the model, a backend without chat).
          if (MullError.isInstance(error) && !BudgetExhaustedError.isInstance(error)) {
            error.message = `${name}: layer ${index + 1} ${formatArchitecture([layer])}: ${error.message}`;
          }
          throw error;
        }
        context.tracer.record({
          type: "note",
          parentId: context.parentId,
          message: `${name}: layer ${index + 1} ${formatArchitecture([layer])}: ${before} → ${pool.current.length} candidates${stoppedBy === "complete" ? "" : `, stopped by ${stoppedBy}`}`,
        });
        if (stoppedBy !== "complete") break;
      }
      requireSomething(pool.made.length, stoppedBy);
      const vote =
        answering === "first"
          ? recordPick(pool.current[0], "first", context)
          : majorityVote()(pool.current, context);
      return { answer: vote.answer, best: vote.best, candidates: pool.made, votes: vote.tally, stoppedBy };
    },
  };
}
