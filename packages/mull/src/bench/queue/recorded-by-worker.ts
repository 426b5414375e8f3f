import type { RunStore } from "../store/index.ts";

/**
 * The run's store as a queue worker records into it: every result it records names the worker that
 * computed it (`ProblemResult.worker`, its `WorkerIdentity.id`, the id the manifest's `workers` list
 * carries), so that a report can tell which worker's pairs in flight, contexts and machine a result's
 * latency comes from. Everything else is the store's own.
 *
 * @example
 * const context = pairContext(options, plan, recordedByWorker(store, identity.id), signal);
 */
export function recordedByWorker(store: RunStore, workerId: string): RunStore {
  return {
    ...store,
    recordResult: (result, samples) => store.recordResult({ ...result, worker: workerId }, samples),
  };
}
