import { replayWrapperInners } from "./replay-wrapper-spec.ts";

/** Live strategies replay has no kind for, by the name before `@` (or the whole spec), and why. */
const liveOnlyReasons: Readonly<Record<string, string>> = {
  single: "single is one live completion; mean@1 is a single recorded sample's accuracy",
  greedy:
    "greedy decodes at temperature 0, which sampled recordings are not; mass@<k>g reads a recorded greedy trace (--greedy-samples)",
  "deepconf-online":
    "deepconf-online@N stops traces by their confidence while they are generated, which needs live generation; deepconf@<k> is DeepConf over recorded traces",
  force:
    "force@T (budget forcing) ends or extends a trace's thinking while it is generated, which needs live generation",
  extend:
    "extend@MwE (budget forcing) makes a trace think on while it is generated, which needs live generation",
  stability:
    "stability@N weighs traces by their top-k token distributions, which recordings do not hold, and with c<T> cuts traces while they are generated",
  "wv-mean-prob":
    "wv-mean-prob@N has no replay kind; wv-prob@<k> votes by the recorded sequence probabilities",
  glimp: "glimp@T routes on a glimpse of a trace while it is generated, which needs live generation",
  bild: "bild@AxB (Big Little Decoder) hands tokens between two models while they generate, which needs live generation",
};

/** The live searches, which grow partial solutions step by step under a scorer. */
const searchKinds = [
  "beam",
  "beam-la",
  "dvts",
  "pf",
  "pf-sys",
  "pg",
  "astar",
  "tot-bfs",
  "tot-dfs",
  "mcts",
  "mcts-rollout",
];

/** A live adaptive wrapper around anything but a majority vote: `asc(bon@8)`, `esc(wv@16)w4`. */
const otherWrapper = /^(asc|esc)\((.*)\)/;

/**
 * Why a live strategy spec is not a replay strategy, for a spec of a live kind replay cannot evaluate:
 * those that need live generation (traces cut, forced or routed as they are generated, searches that grow
 * partial solutions), those that need what recordings do not hold, and the adaptive wrappers around
 * anything but a majority vote. `undefined` for any other spec. Takes a lower-cased, trimmed spec.
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
      `replay's ${kind} stops only a majority vote (${read.slice(0, -1).join(", ")} and ${read.at(-1)} are ` +
      `${kind}@N…); around ${inner} it needs a live run`
    );
  }
  // A family may end in a number before its `@` (`beam-la1@16x4` is a `beam-la` search).
  const kind = /^([a-z-]+?)\d*(?:@|$)/.exec(text)?.[1];
  if (kind === undefined) return undefined;
  if (searchKinds.includes(kind)) {
    return `${kind}@… is a search that grows partial solutions step by step under a scorer, which needs live generation`;
  }
  return Object.hasOwn(liveOnlyReasons, kind) ? liveOnlyReasons[kind] : undefined;
}
