import type { ResultRecord, RunStore } from "../store/index.ts";

/**
 * A run store for one pair's tests that keeps every result recorded, in order, and takes each (its
 * `recordResult` answers true); any other store method is missing.
 *
 * @example
 * const { store, recorded } = recordingStore();
 * await runPair(problem, strategy, pairContext(options, plan, store, signal));
 * expect(recorded).toHaveLength(1);
 */
export function recordingStore(): { readonly store: RunStore; readonly recorded: ResultRecord[] } {
  const recorded: ResultRecord[] = [];
  const store = {
    recordResult: async (record: ResultRecord) => {
      recorded.push(record);
      return true;
    },
  } as unknown as RunStore;
  return { store, recorded };
}
