import { wordList } from "../../runtime/index.ts";
import { type StrategyEntry, strategyCatalog } from "../../strategies/index.ts";
import { replayWrapperInners, replayWrappers } from "./replay-wrapper-spec.ts";

/** A live adaptive wrapper around anything but a majority vote: `asc(bon@8)`, `esc(wv@16)w4`. */
const otherWrapper = new RegExp(`^(${replayWrappers.map((wrapper) => wrapper.kind).join("|")})\\((.*)\\)`);

/** The families an entry's forms name: the word before `@`, less a letter (`beam-laL`: `beam-la`). */
function familiesOf(entry: StrategyEntry): string[] {
  return entry.forms.flatMap((form) => /^[a-z-]+/.exec(form)?.[0] ?? []);
}

/**
 * Why a live strategy spec is not a replay strategy, for a spec of a live kind replay cannot evaluate: a
 * family whose entry in the strategy catalog says it is live only (`StrategyEntry.replay`: traces cut,
 * forced or routed as they are generated, searches that grow partial solutions, what recordings do not
 * hold), in that entry's words, and the adaptive wrappers around anything but a majority vote.
 * `undefined` for any other spec. Takes a lower-cased, trimmed spec.
 *
 * @example
 * liveOnlyHint("force@2048"); // "force@T (budget forcing) ends or extends … which needs live generation"
 * liveOnlyHint("maj@8"); // undefined
 */
export function liveOnlyHint(text: string): string | undefined {
  const wrapper = otherWrapper.exec(text);
  if (wrapper !== null) {
    const [, kind, inner] = wrapper;
    const read = replayWrapperInners.map((majority) => `${kind}(${majority}@N)…`);
    return (
      `replay's ${kind} stops only a majority vote (${wordList(read, "and")} are ` +
      `${kind}@N…); around ${inner} it needs a live run`
    );
  }
  // A family may end in a number before its `@` (`beam-la1@16x4` is a `beam-la` search).
  const kind = /^([a-z-]+?)\d*(?:@|$)/.exec(text)?.[1];
  if (kind === undefined) return undefined;
  const replay = strategyCatalog.find((entry) => familiesOf(entry).includes(kind))?.replay;
  return typeof replay === "object" ? replay.liveOnly : undefined;
}
