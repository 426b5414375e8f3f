import type { ReplayStrategyKind } from "./replay-strategy-kinds.ts";

/** A part a kind cannot do without: its letter, what it counts, and a value for an example. */
interface RequiredPart {
  readonly letter: string;
  readonly meaning: string;
  /** An example value that suits a spec of k samples. */
  readonly example: (k: number) => number;
}

/** The parts that `esc`, `probe`, `probe-asc` and `pprobe` need, each written right after `@<k>`. */
const requiredParts: Partial<Record<ReplayStrategyKind, RequiredPart>> = {
  esc: { letter: "w", meaning: "window", example: (k) => Math.max(1, Math.min(8, k)) },
  probe: { letter: "m", meaning: "agreement", example: () => 2 },
  "probe-asc": { letter: "m", meaning: "agreement", example: () => 2 },
  pprobe: { letter: "s", meaning: "rounds", example: () => 3 },
};

/**
 * What a spec of a kind that needs a part lacks, as `mull solve` names it: `esc@<k> needs w<window>
 * (e.g. esc@64w8)` for `esc@64`. A hint only when the spec with that part added after `@<k>` is one
 * replay reads (`reads`), so that a spec wrong in other ways gets none; `undefined` otherwise.
 *
 * @example
 * requiredPartHint("probe@64", "probe", reads); // "probe@<k> needs m<agreement> (e.g. probe@64m2)"
 */
export function requiredPartHint(
  text: string,
  kind: ReplayStrategyKind,
  reads: (spec: string) => boolean,
): string | undefined {
  const part = requiredParts[kind];
  const count = /^[a-z-]+@(\d+)/.exec(text);
  if (part === undefined || count === null) return undefined;
  const head = count[0];
  const example = `${head}${part.letter}${part.example(Number(count[1]))}${text.slice(head.length)}`;
  if (!reads(example)) return undefined;
  return `${kind}@<k> needs ${part.letter}<${part.meaning}> (e.g. ${example})`;
}
