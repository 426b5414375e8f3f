import type { Clock } from "../../spec/index.ts";
import type { ServerDiscovery } from "./discover-server.ts";

/**
 * How long after a discovery with unanswered routes the server is asked again: 5 s, doubled for each such
 * discovery in a row, up to 60 s. A server that comes up after its backend (a `mull serve` started before
 * its upstream, a llama.cpp server still loading its model) is recognised within seconds of answering,
 * and a server that keeps failing the routes costs two small GETs a minute at most.
 */
export const rediscoveryDelays = { firstMilliseconds: 5_000, longestMilliseconds: 60_000 } as const;

/** A backend's memory of what its server said of itself (`discoverServer`). */
export interface DiscoveryMemory {
  /**
   * What the server says of itself: the discovery remembered once every route answered; else a new one,
   * when the delay since the last has passed (`rediscoveryDelays`; concurrent callers share it); else the
   * last, unanswered routes and all, without a request.
   */
  discover(): Promise<ServerDiscovery>;
  /** What the discoveries so far found, `{}` before any ended; `unanswered` as the last one says. */
  latest(): ServerDiscovery;
}

/** Settings of `createDiscoveryMemory`. */
export interface DiscoveryMemorySettings {
  /** Asks the server (`discoverServer` under the backend's lifetime); rejects only when that ends. */
  readonly ask: () => Promise<ServerDiscovery>;
  /** Monotonic time for the delays. */
  readonly clock: Clock;
}

/** What an earlier discovery found, with what a later one found over it. */
function merged(earlier: ServerDiscovery, later: ServerDiscovery): ServerDiscovery {
  const { unanswered: _earlierUnanswered, ...found } = earlier;
  const versions =
    earlier.versions === undefined && later.versions === undefined
      ? undefined
      : { ...earlier.versions, ...later.versions };
  return { ...found, ...later, ...(versions === undefined ? {} : { versions }) };
}

/**
 * The memory of one backend's server discovery: only an answer is remembered for good (every route
 * answered, with what it has or with a status that says it has none); a discovery that found a route
 * unanswered (a server down, unreachable, too slow, or answering 408, 409, 429 or a 5xx) is asked again
 * on a later call, no sooner than `rediscoveryDelays` says. What each discovery found is kept over what
 * an earlier one found, so a route that fails later does not take its fields away.
 *
 * @example
 * const memory = createDiscoveryMemory({ ask: () => discoverServer(options), clock });
 * const server = await memory.discover();
 */
export function createDiscoveryMemory(settings: DiscoveryMemorySettings): DiscoveryMemory {
  const { clock } = settings;
  let latest: ServerDiscovery = {};
  let answered = false;
  let asking: Promise<ServerDiscovery> | undefined;
  let unansweredInRow = 0;
  let askAgainAt = Number.NEGATIVE_INFINITY;

  const ended = (found: ServerDiscovery): ServerDiscovery => {
    asking = undefined;
    latest = merged(latest, found);
    if (found.unanswered === undefined) {
      answered = true;
    } else {
      const delay = rediscoveryDelays.firstMilliseconds * 2 ** unansweredInRow;
      unansweredInRow += 1;
      askAgainAt = clock.now() + Math.min(delay, rediscoveryDelays.longestMilliseconds);
    }
    return latest;
  };

  return {
    discover() {
      if (answered || (asking === undefined && clock.now() < askAgainAt)) return Promise.resolve(latest);
      asking ??= settings
        .ask()
        .then(ended, (error: unknown) =>
          ended({ unanswered: [error instanceof Error ? error.message : String(error)] }),
        );
      return asking;
    },
    latest: () => latest,
  };
}
