import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { UnrecoverableError } from "bullmq";
import type { Backend, BackendDescription } from "../../spec/index.ts";
import { describedWithVersions } from "../described-with-versions.ts";
import type { RunManifest, RunWorker } from "../run-data.ts";
import { softwareChanges, softwareVersions } from "../software-changes.ts";
import { describeMachine, formatConfigChanges, type RunStore } from "../store/index.ts";

/** How a worker process names itself in the manifests of the runs it serves. */
export interface WorkerIdentity {
  /** Unique among a run's workers: `<host>:<pid>:<6 hex digits>`. */
  readonly id: string;
  /** Host name of its machine (`os.hostname()`). */
  readonly host: string;
}

/**
 * A new identity for a worker process: its host, its pid and a random part, so that two workers of one
 * process (or a pid the system gave again) are told apart.
 *
 * @example
 * const identity = workerIdentity(); // { id: "gpu-box:4242:a1b2c3", host: "gpu-box" }
 */
export function workerIdentity(): WorkerIdentity {
  const host = hostname();
  return { id: `${host}:${process.pid}:${randomBytes(3).toString("hex")}`, host };
}

/** What `admitRunWorker` admits: a worker, how it runs pairs and with what backend. */
export interface RunWorkerAdmission {
  readonly identity: WorkerIdentity;
  /** Pairs it runs at once; left out, the worker is checked but not recorded. */
  readonly concurrency?: number | undefined;
  /**
   * Its backend: asked its capabilities first where it knows no versions yet (`describedWithVersions`: an
   * HTTP backend then knows its server's build, compared with the run's and recorded); or its description,
   * compared as it stands (a server's build it has not learnt is unknown, and no change).
   */
  readonly backend: Backend | BackendDescription;
  /** Stops the backend's capability probe; its reason is thrown. */
  readonly signal?: AbortSignal | undefined;
  /** The run as messages name it: `run <id> in <where>`. */
  readonly runLabel: string;
}

function isBackend(backend: Backend | BackendDescription): backend is Backend {
  return typeof (backend as Partial<Backend>).describe === "function";
}

/** The manifest with `worker` recorded: in `workers`, and as the run's execution when it records none. */
function withWorker(manifest: RunManifest, worker: RunWorker): RunManifest {
  const recorded = manifest.workers ?? [];
  const known = recorded.some((entry) => entry.id === worker.id);
  if (known && manifest.concurrency !== undefined) return manifest;
  const workers = known ? recorded : [...recorded, worker];
  if (manifest.concurrency !== undefined) return { ...manifest, workers };
  // The first worker's execution also stands for the run's, as a local run's is its creator's: the pairs
  // in flight, and its backend's contexts and threads in place of those of the process that enqueued it.
  const { contexts: _contexts, threads: _threads, ...described } = manifest.backend;
  return {
    ...manifest,
    backend: {
      ...described,
      ...(worker.contexts === undefined ? {} : { contexts: worker.contexts }),
      ...(worker.threads === undefined ? {} : { threads: worker.threads }),
    },
    concurrency: worker.concurrency,
    workers,
  };
}

/**
 * Admits a worker to a queued run, in one transaction of the run's store: refuses it when the versions
 * it would run the pairs with are not the run's (`softwareChanges`: mull's and its backend's
 * software, which change results where the configuration hash does not look), and otherwise records it
 * in the manifest's `workers` (once per worker), with its pairs in flight, contexts, threads, machine and
 * versions, which may differ between workers as they change how fast, not what. The first worker
 * recorded also sets the run's `concurrency`, `backend.contexts` and `backend.threads`, where the
 * manifest has no `concurrency` yet. Given the backend itself, rather than its description, a backend that
 * knows no versions yet is asked its capabilities first (`describedWithVersions`), so that a server's
 * build is compared and recorded; a server that cannot be probed leaves it unknown, which is no change.
 *
 * @throws UnrecoverableError (the job fails at once, without retries) naming the run, each differing
 *   version as `versions.<name>: "<run's>" → "<this worker's>"`, and what to do.
 * @throws the reason of `signal` when it aborts while the backend is asked its capabilities.
 * @example
 * await admitRunWorker(store, { identity, concurrency: 4, backend, runLabel });
 */
export async function admitRunWorker(store: RunStore, admission: RunWorkerAdmission): Promise<void> {
  const { identity, concurrency, runLabel } = admission;
  // Asked before the manifest's transaction: the server's build is known once it was asked.
  const backend = isBackend(admission.backend)
    ? await describedWithVersions(admission.backend, admission.signal)
    : admission.backend;
  const versions = softwareVersions(backend);
  await store.updateManifest((manifest) => {
    const changes = softwareChanges(manifest, versions);
    if (changes.length > 0) {
      throw new UnrecoverableError(
        `refused: ${runLabel} was recorded with other versions than this worker runs (run's → this ` +
          `worker's), which can change its results:\n${formatConfigChanges(changes)}\n` +
          "run this worker with the run's versions, or start a new run",
      );
    }
    if (concurrency === undefined) return undefined;
    const worker: RunWorker = {
      id: identity.id,
      host: identity.host,
      preparedAt: new Date().toISOString(),
      concurrency,
      ...(backend.contexts === undefined ? {} : { contexts: backend.contexts }),
      ...(backend.threads === undefined ? {} : { threads: backend.threads }),
      machine: describeMachine(),
      versions,
    };
    const next = withWorker(manifest, worker);
    return next === manifest ? undefined : next;
  });
}
