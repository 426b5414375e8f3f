import type { SearchNode } from "./search-node.ts";
import type { SearchRun } from "./search-run.ts";

/** The shape of a beam search: `groups` independent subtrees, each keeping `keep` beams expanded `width` times. */
export interface BeamShape {
  /** Independent subtrees (1 for beam search, N/M for DVTS). */
  readonly groups: number;
  /** Beams kept per subtree at each step (N/M for beam search, 1 for DVTS). */
  readonly keep: number;
  /** Next steps sampled per kept beam (M). */
  readonly width: number;
  /** Greedy steps rolled out to value a candidate (0: its own reward). */
  readonly lookahead: number;
  /** Name of the selection in the trace. */
  readonly method: string;
}

/**
 * Step-level beam search over groups (Snell et al. 2024): `groups × keep × width` first steps are sampled
 * and dealt into the groups; then, step after step, each group keeps its `keep` best incomplete candidates
 * (by PRM value, or by the value `lookahead` greedy steps further) and expands each `width` times.
 * Complete candidates are set aside. Ends when no group has an incomplete candidate left or the budget runs
 * out.
 */
export async function runGroupedBeams(run: SearchRun, shape: BeamShape): Promise<void> {
  const { groups, keep, width, lookahead } = shape;
  const perGroup = keep * width;
  const [first] = await run.expand([{ node: run.root, n: groups * perGroup }]);
  let pools: SearchNode[][] = Array.from({ length: groups }, (_, group) =>
    (first ?? []).slice(group * perGroup, (group + 1) * perGroup),
  );
  while (!run.cut) {
    const all = pools.flat();
    if (all.length === 0) break;
    if (!(await run.score(all))) break;
    const searchValue = lookahead > 0 ? await lookaheadValues(run, all, lookahead) : undefined;
    if (run.cut) break;
    const rankValue = (node: SearchNode) => searchValue?.get(node) ?? node.value ?? Number.NEGATIVE_INFINITY;
    const survivors = pools.map((pool) => {
      const open = pool.filter((node) => !node.final);
      const ranked = open
        .map((node, index) => ({ node, index }))
        .sort((a, b) => rankValue(b.node) - rankValue(a.node) || a.index - b.index)
        .map((entry) => entry.node);
      const kept = ranked.slice(0, keep);
      if (open.length > 0) {
        run.recordSelection(
          shape.method,
          kept,
          ranked.slice(keep),
          kept.map((node) => rankValue(node)),
        );
      }
      return kept;
    });
    if (survivors.every((kept) => kept.length === 0)) break;
    const expansions = await run.expand(survivors.flat().map((node) => ({ node, n: width })));
    let offset = 0;
    pools = survivors.map((kept) => {
      const children = expansions.slice(offset, offset + kept.length).flat();
      offset += kept.length;
      return children;
    });
  }
}

/** The value of each incomplete node `depth` greedy steps further (complete nodes keep their own). */
async function lookaheadValues(
  run: SearchRun,
  nodes: readonly SearchNode[],
  depth: number,
): Promise<Map<SearchNode, number>> {
  const values = new Map<SearchNode, number>();
  let tips = new Map<SearchNode, SearchNode>(nodes.filter((node) => !node.final).map((node) => [node, node]));
  for (let step = 0; step < depth && tips.size > 0 && !run.cut; step += 1) {
    const heads = [...tips.entries()].filter(([, tip]) => !tip.final);
    const children = await run.expand(
      heads.map(([, tip]) => ({ node: tip, n: 1, temperature: 0 })),
      false,
    );
    const next = new Map(tips);
    heads.forEach(([origin], index) => {
      const child = children[index]?.[0];
      if (child !== undefined) next.set(origin, child);
    });
    tips = next;
  }
  if (!(await run.score([...tips.values()]))) return values;
  for (const [origin, tip] of tips) if (tip.value !== undefined) values.set(origin, tip.value);
  return values;
}
