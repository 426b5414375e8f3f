/** How many names this process has handed out: the second and later get it as a suffix. */
let handedOut = 0;

/**
 * A time-stamped name part for a default output directory (`runs/lab-<it>`), unique among the mull
 * processes on this machine, even when several start in the same second or millisecond: the UTC time
 * down to the millisecond, this process's id, and from this process's second name on a counter. Names
 * sort by time as text. (A name to the second made runs started together share one directory, where all
 * but the first were refused as "run in progress".)
 *
 * @example
 * uniqueTimestamp(new Date("2026-12-05T23:24:38.123Z")); // "20261205-232438-123-4821" (pid 4821)
 * uniqueTimestamp(new Date("2026-12-05T23:24:38.123Z")); // "20261205-232438-123-4821-2"
 */
export function uniqueTimestamp(date: Date): string {
  const iso = date.toISOString();
  const day = iso.slice(0, 10).replaceAll("-", "");
  const time = iso.slice(11, 19).replaceAll(":", "");
  handedOut += 1;
  const name = `${day}-${time}-${iso.slice(20, 23)}-${process.pid}`;
  return handedOut === 1 ? name : `${name}-${handedOut}`;
}
