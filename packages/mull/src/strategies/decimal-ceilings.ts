import type { StrategyEntry } from "./strategy-entry.ts";

/**
 * The largest number a decimal letter of an entry's forms may carry when it is lower than any spec's
 * largest (`StrategyEntry.ceilings`): 1 for a probability or a share (`cascade@NtT`'s T); `undefined` for
 * a letter without a ceiling of its own (`glimp@T`'s entropy threshold).
 *
 * @example
 * decimalCeiling(cascadeEntry, "T"); // 1
 * decimalCeiling(glimpseRouterEntry, "T"); // undefined
 */
export function decimalCeiling(entry: Pick<StrategyEntry, "ceilings">, letter: string): number | undefined {
  return entry.ceilings?.[letter];
}
