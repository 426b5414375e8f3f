import { randomBytes } from "node:crypto";
import { ConfigError } from "../../errors/index.ts";
import { type MachinePerformance, machinePerformance } from "../../metrics/index.ts";
import type { BackendCapabilities } from "../../spec/index.ts";
import type { BenchProblem } from "../datasets/index.ts";
import { describedWithVersions } from "../described-with-versions.ts";
import type { RunManifest } from "../run-data.ts";
import { RunVersionsChangedError } from "../run-versions-changed-error.ts";
import { softwareChanges, softwareVersions } from "../software-changes.ts";
import {
  configDiff,
  describeMachine,
  RunConfigChangedError,
  type RunStore,
  recordedHashMatches,
  type StoredProblem,
  type StoredRun,
} from "../store/index.ts";
import type { BenchConfig } from "./bench-config.ts";
import type { RunBenchOptions } from "./run-bench-options.ts";
import type { BenchStrategy } from "./strategy-sweep.ts";

/** The run a bench call works on. */
export interface StartedRun {
  readonly runId: string;
  /** Whether this call created the run (false when it resumed one). */
  readonly created: boolean;
}

/** What a run is started from: its configuration and hash, its strategies and problems. */
export interface RunStart {
  readonly config: BenchConfig;
  /** `configHash(config)`. */
  readonly hash: string;
  readonly strategies: readonly BenchStrategy[];
  readonly problems: readonly BenchProblem[];
  /** What the backend said it can do, recorded in a new run's manifest. */
  readonly capabilities?: BackendCapabilities | undefined;
  /**
   * Pairs this process solves at once, recorded in a new run's manifest; absent when other processes
   * solve them (a queued run's workers, each with its own, whose versions are checked as they come).
   * Given, a resumed run's recorded versions must be the ones this process solves with.
   */
  readonly concurrency?: number | undefined;
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

function storedProblem(problem: BenchProblem): StoredProblem {
  const difficulty = difficultyOf(problem);
  return {
    id: problem.id,
    question: problem.question,
    gold: problem.gold,
    ...(difficulty === undefined ? {} : { difficulty }),
    ...(problem.metadata === undefined ? {} : { metadata: problem.metadata }),
  };
}

/** The backend engine's own rates, when it measures them and the model's shape lets it count FLOPs. */
async function engineRates(options: RunBenchOptions): Promise<MachinePerformance | undefined> {
  const backend = options.backend;
  if (backend.measureRates === undefined || backend.describe().architecture === undefined) return undefined;
  return backend.measureRates({ signal: options.signal });
}

function runManifest(
  options: RunBenchOptions,
  start: RunStart,
  engine: MachinePerformance | undefined,
): RunManifest {
  const backend = options.backend.describe();
  const manifest: RunManifest = {
    runId: newRunId(),
    createdAt: new Date().toISOString(),
    dataset: options.dataset.name,
    strategies: start.strategies.map((strategy) => strategy.name),
    backend,
    ...(start.capabilities === undefined ? {} : { capabilities: start.capabilities }),
    seed: options.seed ?? 0,
    sampling: {
      ...(options.sampling ?? {}),
      ...(options.temperatures === undefined ? {} : { temperatures: options.temperatures }),
    },
    limit: options.limit,
    ...(start.concurrency === undefined ? {} : { concurrency: start.concurrency }),
    machine: {
      ...describeMachine(),
      performance: options.machinePerformance ?? machinePerformance(),
      ...(engine === undefined ? {} : { engine }),
    },
    versions: softwareVersions(backend),
    configHash: start.hash,
  };
  // Through JSON, as it is stored: fields left undefined are dropped.
  return JSON.parse(JSON.stringify(manifest)) as RunManifest;
}

/**
 * Creates the run in a fresh store, with its manifest, configuration and problems; or checks that the
 * stored run may be resumed: only with `resume`, only with the configuration it was created with and,
 * where this process solves the pairs (`start.concurrency` given), only with the versions of mull and of
 * the backend's software the run records (`softwareChanges`, as a queue worker is admitted: node's may
 * differ, and a version only one side knows is no change). A backend that knows no versions yet (an HTTP
 * backend's server) is asked its capabilities first, which tells its build (`describedWithVersions`); a
 * server that cannot be probed leaves it unknown.
 *
 * @throws ConfigError (`--resume`) when the store holds a run and `resume` is not set.
 * @throws RunConfigChangedError listing each changed field when the configuration differs (a field holding an
 * empty object, `budget: {}`, is no field), or naming `configHash` when no field differs but the hash the run
 * was recorded with is not this configuration's (`recordedHashMatches`).
 * @throws RunVersionsChangedError naming each differing version (`versions.mull`) with the run's value and
 * this process's, when the configuration matches but the versions do not.
 * @throws the reason of `options.signal` when it aborts while the backend is asked its capabilities.
 * @example
 * const { runId, created } = await startOrResumeRun(store, options, { config, hash, strategies, problems });
 */
export async function startOrResumeRun(
  store: RunStore,
  options: RunBenchOptions,
  start: RunStart,
): Promise<StartedRun> {
  const resumed = await resumeStoredRun(await store.storedRun(), store, options, start);
  if (resumed !== undefined) return resumed;
  const manifest = runManifest(options, start, await engineRates(options));
  if (await store.createRun(manifest, start.config, start.problems.map(storedProblem))) {
    return { runId: manifest.runId, created: true };
  }
  // Another process (a worker sharing the database) created the run in the meantime: resume it, with
  // the same checks.
  const raced = await resumeStoredRun(await store.storedRun(), store, options, start);
  if (raced === undefined) throw new ConfigError(`${store.label} could not be created`, { field: "--out" });
  return raced;
}

async function resumeStoredRun(
  stored: StoredRun | undefined,
  store: RunStore,
  options: RunBenchOptions,
  start: RunStart,
): Promise<StartedRun | undefined> {
  if (stored === undefined) return undefined;
  if (options.resume !== true) {
    throw new ConfigError(
      `${store.label} already holds run ${stored.manifest.runId}; pass --resume to continue it, or choose another --out`,
      { field: "--resume" },
    );
  }
  const changes = configDiff(stored.config, JSON.parse(JSON.stringify(start.config)));
  if (changes.length > 0) throw new RunConfigChangedError(store.location, changes);
  const recorded = stored.manifest.configHash;
  if (!recordedHashMatches(recorded, stored.config, start.hash)) {
    // No field differs, yet the hash the run was recorded with is not this configuration's: the stored
    // configuration is not the one that was hashed. Named, rather than refused with an empty list.
    throw new RunConfigChangedError(store.location, [
      { field: "configHash", stored: recorded, requested: start.hash },
    ]);
  }
  if (start.concurrency !== undefined) {
    // A server's build is known once it was asked: compared, then, with the build the run records.
    const backend = await describedWithVersions(options.backend, options.signal);
    const versions = softwareChanges(stored.manifest, softwareVersions(backend));
    if (versions.length > 0) throw new RunVersionsChangedError(store.location, versions);
  }
  return { runId: stored.manifest.runId, created: false };
}
