import {
  answeringLayerKinds,
  formatArchitecture,
  isArchitectureSpec,
  parseArchitecture,
} from "../../composition/index.ts";
import type { Strategy } from "../../spec/index.ts";

/**
 * The canonical form of what a strategy spec runs, so that two specs that differ only in how they are
 * written compare equal: the parsed strategy's name (`maj@8` and `SC@8` run `sc@8`; `asc(sc@8)` and
 * `asc@8t0.95` run `asc@8`), followed by the models it routes between, cheapest first, when it routes
 * (`cascade@8:small>large`); for an architecture, its canonical layers with the answering layer written
 * out (`gen@8` answers by a majority vote, so it is `gen@8+vote`).
 *
 * @example
 * strategyIdentity("maj@4", parseStrategySpec("maj@4"), undefined); // "sc@4"
 * strategyIdentity("gen@2", parseStrategySpec("gen@2"), undefined); // "gen@2+vote"
 */
export function strategyIdentity(
  spec: string,
  strategy: Strategy,
  route: readonly string[] | undefined,
): string {
  if (isArchitectureSpec(spec)) {
    const layers = parseArchitecture(spec);
    const last = layers.at(-1);
    const answering = last !== undefined && answeringLayerKinds.includes(last.kind);
    return formatArchitecture(answering ? layers : [...layers, { kind: "vote" }]);
  }
  return route === undefined ? strategy.name : `${strategy.name}:${route.join(">")}`;
}
