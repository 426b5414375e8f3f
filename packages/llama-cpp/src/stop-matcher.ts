/** Finds the earliest stop string in a growing text, looking only at what the latest piece could complete. */
export interface StopMatcher {
  /**
   * Index of the earliest stop string in `text`, or `undefined`. `checkedLength` is the text's length at the
   * previous call: only matches that end after it are new.
   */
  find(text: string, checkedLength: number): number | undefined;
}

/**
 * A matcher for `stops` (empty strings are ignored).
 *
 * @example
 * const matcher = createStopMatcher(["####"]);
 * matcher.find("1+1=2\n####", 0); // 6
 */
export function createStopMatcher(stops: readonly string[]): StopMatcher {
  const patterns = stops.filter((stop) => stop.length > 0);
  const longest = patterns.reduce((length, stop) => Math.max(length, stop.length), 0);
  return {
    find(text, checkedLength) {
      if (patterns.length === 0) return undefined;
      const from = Math.max(0, checkedLength - longest + 1);
      let earliest: number | undefined;
      for (const stop of patterns) {
        const index = text.indexOf(stop, from);
        if (index >= 0 && (earliest === undefined || index < earliest)) earliest = index;
      }
      return earliest;
    },
  };
}
