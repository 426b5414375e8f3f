import { randomBytes } from "node:crypto";
import { BudgetExhaustedError, ConfigError } from "../../errors/index.ts";
import {
  createConcurrencyLimit,
  packageVersion,
  refuseSymlinkedOutput,
  systemClock,
} from "../../runtime/index.ts";
import { solve } from "../../solve.ts";
import type { AnswerFormat, OutcomeScorer, SolveResult, StopReason } from "../../spec/index.ts";
import type { BenchProblem } from "../datasets/index.ts";
import { type Grader, graderByName } from "../graders/index.ts";
import type { RunManifest, SampleRecord } from "../run-data.ts";
import {
  acquireRunLock,
  canonicalJson,
  configDiff,
  configHash,
  describeMachine,
  openRunStore,
  pairKey,
  type ResultRecord,
  RunConfigChangedError,
  type RunStore,
  type StoredProblem,
} from "../store/index.ts";
import { BenchRunError } from "./bench-run-error.ts";
import { type BenchSummary, summarizeBench } from "./bench-summary.ts";
import { problemSeed } from "./problem-seed.ts";
import { parseBenchNumbers, type RunBenchOptions } from "./run-bench-options.ts";
import { type BenchStrategy, expandStrategySweep } from "./strategy-sweep.ts";

/** What `runBench` did. */
export interface BenchRunResult {
  readonly directory: string;
  readonly runId: string;
  /** Whether this call created the run (false when it resumed one). */
  readonly created: boolean;
  /** Pairs in the run. */
  readonly total: number;
  /** Pairs already recorded when this call started. */
  readonly skipped: number;
  /** Pairs recorded by this call. */
  readonly recorded: number;
  /** True when the signal stopped the run before every pair was recorded. */
  readonly interrupted: boolean;
  readonly summary: BenchSummary;
}

function newRunId(): string {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `run-${stamp}-${randomBytes(3).toString("hex")}`;
}

function difficultyOf(problem: BenchProblem): string | undefined {
  const metadata = problem.metadata;
  const value = metadata?.difficulty ?? metadata?.level;
  return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
}

/** Only what determines results goes in the configuration: not concurrency, progress or the directory. */
function benchConfig(
  options: RunBenchOptions,
  problems: readonly BenchProblem[],
  entries: readonly BenchStrategy[],
  grader: Grader,
  answerFormat: AnswerFormat,
  scorer: OutcomeScorer | undefined,
) {
  const backend = options.backend.describe();
  return {
    dataset: {
      name: options.dataset.name,
      problems: problems.length,
      contentHash: configHash(
        problems.map((problem) => [problem.id, problem.question, problem.gold, problem.prompt ?? null]),
      ),
    },
    strategies: entries.map((entry) => entry.name),
    temperatures: options.temperatures,
    backend: {
      kind: backend.kind,
      model: backend.model,
      baseUrl: backend.baseUrl,
      modelHash: backend.modelHash,
    },
    seed: options.seed ?? 0,
    limit: options.limit,
    sampling: options.sampling === undefined ? undefined : JSON.parse(canonicalJson(options.sampling)),
    grader: grader.name,
    answerFormat: answerFormat.name,
    // Only strategies whose catalog entry needs a scorer (bon@N, wv@N) make it part of what determines results.
    scorer: entries.some((entry) => entry.needs.includes("scorer")) ? scorer?.name : undefined,
    // Likewise the process reward model, for step-level searches only.
    prm: entries.some((entry) => entry.needs.includes("prm")) ? options.prm?.name : undefined,
    budget: options.budget,
    promptTemplate:
      options.promptTemplateName ??
      (options.promptTemplate === undefined && options.dataset.promptTemplate === undefined
        ? "default"
        : "custom"),
  };
}

function sampleRecords(
  problem: BenchProblem,
  strategy: string,
  result: SolveResult,
  grader: Grader,
): SampleRecord[] {
  return result.candidates.map((candidate, sampleIndex): SampleRecord => {
    const scores = Object.fromEntries(candidate.scores.map((score) => [score.scorer, score.value]));
    return {
      problemId: problem.id,
      strategy,
      sampleIndex,
      text: candidate.text,
      answer: candidate.answer,
      correct: grader.grade(candidate.answer, problem.gold),
      completionTokens: candidate.completionTokens,
      finishReason: candidate.finishReason,
      ...(candidate.logprob === undefined ? {} : { logprob: candidate.logprob }),
      ...(candidate.scores.length === 0 ? {} : { scores }),
    };
  });
}

/** For strategies that use a scorer: did it accept the chosen candidate (score >= 0.5)? */
function verifierAccepted(
  entry: BenchStrategy,
  scorer: OutcomeScorer | undefined,
  result: SolveResult,
): boolean | undefined {
  if (!entry.needs.includes("scorer") || scorer === undefined || result.best === undefined) return undefined;
  const score = result.best.scores.find((candidate) => candidate.scorer === scorer.name);
  return score === undefined ? undefined : score.value >= 0.5;
}

/** Creates the run in a fresh store, or checks that a stored run may be resumed with this configuration. */
function startOrResume(
  store: RunStore,
  options: RunBenchOptions,
  config: unknown,
  hash: string,
  entries: readonly BenchStrategy[],
  problems: readonly BenchProblem[],
): { runId: string; created: boolean } {
  const stored = store.storedRun();
  if (stored !== undefined) {
    if (options.resume !== true) {
      throw new ConfigError(
        `${options.out} already holds run ${stored.manifest.runId}; pass --resume to continue it, or choose another --out`,
        { field: "--resume" },
      );
    }
    const changes = configDiff(stored.config, JSON.parse(JSON.stringify(config)));
    if (changes.length > 0 || stored.manifest.configHash !== hash) {
      throw new RunConfigChangedError(options.out, changes);
    }
    return { runId: stored.manifest.runId, created: false };
  }
  const backend = options.backend.describe();
  const manifest: RunManifest = {
    runId: newRunId(),
    createdAt: new Date().toISOString(),
    dataset: options.dataset.name,
    strategies: entries.map((entry) => entry.name),
    backend,
    seed: options.seed ?? 0,
    sampling: {
      ...(options.sampling ?? {}),
      ...(options.temperatures === undefined ? {} : { temperatures: options.temperatures }),
    },
    limit: options.limit,
    machine: describeMachine(),
    versions: { mull: packageVersion(), node: process.versions.node, ...(backend.versions ?? {}) },
    configHash: hash,
  };
  store.createRun(
    JSON.parse(JSON.stringify(manifest)) as RunManifest,
    config,
    problems.map((problem): StoredProblem => {
      const difficulty = difficultyOf(problem);
      return {
        id: problem.id,
        question: problem.question,
        gold: problem.gold,
        ...(difficulty === undefined ? {} : { difficulty }),
        ...(problem.metadata === undefined ? {} : { metadata: problem.metadata }),
      };
    }),
  );
  return { runId: manifest.runId, created: true };
}

/**
 * Runs strategies over a dataset against a backend and records every sample in the run directory's
 * SQLite store, resumably:
 * - each (problem, strategy) pair runs with a seed derived from (run seed, problem id, strategy), so a
 *   resumed run gives the same results as an uninterrupted one on a deterministic backend;
 * - a pair's result and samples are written in one transaction; pairs already recorded are skipped;
 * - the run's configuration hash is stored and a resume with another configuration is refused, listing
 *   each changed field; the directory is locked against a second process;
 * - strategies are crossed with a temperature sweep when `temperatures` is given (`sc@8@t1.0`); every
 *   entry samples independently (no sharing of samples between `sc@4` and `sc@8`), so each result is
 *   exactly what that strategy alone would give.
 * On the first failing pair it stops scheduling, lets pairs in flight finish and throws `BenchRunError`.
 * When `signal` fires it drops pairs in flight and returns with `interrupted: true`.
 *
 * @example
 * const dataset = await loadDataset("gsm8k", { limit: 100 });
 * const run = await runBench({
 *   dataset,
 *   strategies: ["greedy", "sc@8"],
 *   backend,
 *   out: "runs/gsm8k-sc8",
 *   concurrency: 4,
 *   sampling: { temperature: 0.7, maxTokens: 512 },
 * });
 * console.log(run.summary.strategies);
 */
export async function runBench(options: RunBenchOptions): Promise<BenchRunResult> {
  const { concurrency, seed } = parseBenchNumbers(options);
  const clock = options.clock ?? systemClock();
  const grader = options.grader ?? graderByName(options.dataset.grader);
  const answerFormat = options.answerFormat ?? grader.format;
  const scorer = options.scorer ?? options.dataset.scorer;
  const promptTemplate = options.promptTemplate ?? options.dataset.promptTemplate;
  const entries = expandStrategySweep(options.strategies, {
    temperatures: options.temperatures,
    scorer,
    prm: options.prm,
  });
  const problems =
    options.limit === undefined ? options.dataset.problems : options.dataset.problems.slice(0, options.limit);
  if (problems.length === 0) {
    throw new ConfigError(`dataset ${options.dataset.name} has no problems to run`, { field: "dataset" });
  }
  const config = benchConfig(options, problems, entries, grader, answerFormat, scorer);
  const hash = configHash(config);

  // Before anything is created: a linked run directory would put the store wherever the link points.
  refuseSymlinkedOutput(options.out, "out", "directory");
  const lock = acquireRunLock(options.out);
  const store = (() => {
    try {
      return openRunStore(options.out, {
        synchronous: options.synchronous,
        beforeCommit: options.beforeCommit,
      });
    } catch (error) {
      lock.release();
      throw error;
    }
  })();
  try {
    const { runId, created } = startOrResume(store, options, config, hash, entries, problems);
    const done = store.completedPairs();
    const pending: { problem: BenchProblem; entry: BenchStrategy }[] = [];
    for (const problem of problems) {
      for (const entry of entries) {
        if (!done.has(pairKey(problem.id, entry.name))) pending.push({ problem, entry });
      }
    }
    const total = problems.length * entries.length;
    const skipped = total - pending.length;
    options.progress?.start(total, skipped);

    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    if (options.signal?.aborted) controller.abort(options.signal.reason);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const limit = createConcurrencyLimit(concurrency);
    // Aborted after a failure: the pairs still waiting for a slot are dropped, the running ones finish.
    const dropWaiting = new AbortController();
    let recorded = 0;
    let failure: BenchRunError | undefined;

    const runPair = async (problem: BenchProblem, entry: BenchStrategy): Promise<void> => {
      if (failure !== undefined || controller.signal.aborted) return;
      const pairSeed = problemSeed(seed, problem.id, entry.name);
      const started = clock.now();
      let record: ResultRecord;
      let samples: SampleRecord[] = [];
      try {
        const result = await solve({
          problem,
          strategy: entry.strategy,
          backend: options.backend,
          seed: pairSeed,
          sampling: { ...(options.sampling ?? {}), ...entry.sampling },
          answerFormat,
          ...(promptTemplate === undefined ? {} : { promptTemplate }),
          ...(options.budget === undefined ? {} : { budget: options.budget }),
          signal: controller.signal,
          clock,
        });
        // A run cut by the interrupt is not this pair's result: leave it for the resume.
        if (controller.signal.aborted || result.stoppedBy === "abort") return;
        samples = sampleRecords(problem, entry.name, result, grader);
        const accepted = verifierAccepted(entry, scorer, result);
        record = {
          problemId: problem.id,
          strategy: entry.name,
          seed: pairSeed,
          answer: result.answer,
          correct: grader.grade(result.answer, problem.gold),
          samples: result.candidates.length,
          promptTokens: result.usage.promptTokens,
          completionTokens: result.usage.completionTokens,
          calls: result.usage.calls,
          scoreCalls: result.scoreCalls,
          latencyMilliseconds: clock.now() - started,
          stoppedBy: result.stoppedBy,
          ...(accepted === undefined ? {} : { verifierAccepted: accepted }),
        };
      } catch (error) {
        if (controller.signal.aborted) return;
        if (BudgetExhaustedError.isInstance(error)) {
          // The per-pair budget ran out before any candidate: a legitimate (empty) result under this budget.
          record = {
            problemId: problem.id,
            strategy: entry.name,
            seed: pairSeed,
            answer: undefined,
            correct: false,
            samples: 0,
            promptTokens: undefined,
            completionTokens: undefined,
            calls: 0,
            scoreCalls: 0,
            latencyMilliseconds: clock.now() - started,
            stoppedBy: error.reason as StopReason,
          };
        } else {
          failure ??= new BenchRunError(
            `problem ${problem.id}, strategy ${entry.name} failed: ${error instanceof Error ? error.message : String(error)}; ` +
              "pairs recorded so far are kept, continue with --resume",
            { problemId: problem.id, strategy: entry.name, cause: error },
          );
          dropWaiting.abort();
          return;
        }
      }
      try {
        if (store.recordResult(record, samples)) recorded += 1;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // SQLite reports a full disk or a file-size limit (EFBIG) as an I/O error.
        const hint = /disk I\/O error|database or disk is full/.test(message)
          ? " (disk full or file size limited?)"
          : "";
        failure ??= new BenchRunError(
          `recording problem ${problem.id}, strategy ${entry.name} failed: ${message}${hint}; ` +
            "what was recorded before is intact, continue with --resume",
          { problemId: problem.id, strategy: entry.name, cause: error },
        );
        dropWaiting.abort();
        return;
      }
      options.progress?.advance({ problemId: problem.id, strategy: entry.name, correct: record.correct });
    };

    try {
      await Promise.all(
        pending.map(({ problem, entry }) =>
          limit
            .run(() => runPair(problem, entry), dropWaiting.signal)
            .catch((error: unknown) => {
              if (error !== dropWaiting.signal.reason) throw error;
            }),
        ),
      );
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
      options.progress?.stop();
    }
    if (failure !== undefined) throw failure;
    const summary = summarizeBench(store.readRunData());
    return {
      directory: options.out,
      runId,
      created,
      total,
      skipped,
      recorded,
      interrupted: skipped + recorded < total,
      summary,
    };
  } finally {
    store.close();
    lock.release();
  }
}
