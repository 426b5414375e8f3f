import type { RunStore } from "../store/index.ts";
import { markStoreFailure } from "./store-unreachable.ts";

/**
 * `store` with every error its methods reject with marked as the store's (`markStoreFailure`), so that
 * a worker tells a job that failed because its store could not be reached (`storeUnreachable`) from
 * one whose backend refused connections. Answers and everything else are the store's own.
 *
 * @example
 * const store = storeFailuresMarked(await openRunStore(location));
 */
export function storeFailuresMarked(store: RunStore): RunStore {
  const marked =
    <Args extends unknown[], Value>(method: (...args: Args) => Promise<Value>) =>
    async (...args: Args): Promise<Value> => {
      try {
        return await method.apply(store, args);
      } catch (error) {
        throw markStoreFailure(error);
      }
    };
  return {
    location: store.location,
    label: store.label,
    storedRun: marked(store.storedRun),
    createRun: marked(store.createRun),
    updateManifest: marked(store.updateManifest),
    completedPairs: marked(store.completedPairs),
    completedPairCount: marked(store.completedPairCount),
    recordResult: marked(store.recordResult),
    claimPair: marked(store.claimPair),
    renewClaims: marked(store.renewClaims),
    releaseClaims: marked(store.releaseClaims),
    readRunData: marked(store.readRunData),
    counts: marked(store.counts),
    close: marked(store.close),
  };
}
