import type { BackendCapabilities, BackendDescription, Clock } from "../../spec/index.ts";
import type { CapabilityState } from "./capability-state.ts";
import { discoverServer, type ServerDiscovery } from "./discover-server.ts";
import { createDiscoveryMemory } from "./discovery-memory.ts";
import type { EndpointUrl } from "./endpoint-url.ts";
import { createModelFileHashes } from "./model-file-hashes.ts";
import type { ParsedBackendOptions } from "./openai-compatible-backend-options.ts";
import { untilAborted } from "./until-aborted.ts";

/** How long each of the routes a server describes itself on may take to answer. */
const discoveryTimeoutMilliseconds = 2_000;

/**
 * What an OpenAI-compatible backend knows of its server: what it said of itself (`discoverServer`, asked
 * beside the capability probe and remembered as `createDiscoveryMemory` says), joined to the capabilities
 * and the description the backend reports.
 */
export interface ServerProfile {
  /** What the server says of itself, asked when the memory says to (`DiscoveryMemory.discover`). */
  discover(): Promise<ServerDiscovery>;
  /**
   * The configured description, with the versions, model file and its hash (of the local file at that
   * path, for a server on this machine) the discoveries so far found.
   */
  describe(): BackendDescription;
  /**
   * Whether the server is llama.cpp's: as the `tokenizer` option says (`llama.cpp` yes, `vllm` no), else as
   * its discovery, asked under `signal`, says (it found `GET /props`).
   *
   * @throws the reason of `signal` when it aborts first.
   */
  servedByLlamaCpp(signal: AbortSignal): Promise<boolean>;
  /**
   * The capabilities (`CapabilityState.capabilities`), with the sampling defaults the server said it
   * applies. A `signal` already aborted asks the server nothing more and takes what it said so far; one
   * that aborts while the server is asked stops waiting (the discovery goes on).
   */
  capabilities(signal?: AbortSignal): Promise<BackendCapabilities>;
}

/** Settings of `createServerProfile`. */
export interface ServerProfileSettings {
  /** The server's endpoint; discovery asks beside its request base. */
  readonly endpoint: EndpointUrl;
  /** The headers every request carries (authorization among them). */
  readonly headers: Readonly<Record<string, string>>;
  readonly fetch: typeof fetch;
  /** Monotonic time, for the delays between discoveries that went unanswered. */
  readonly clock: Clock;
  /** The backend's lifetime: a discovery stops when it ends. */
  readonly lifetime: AbortSignal;
  /** The backend's `tokenizer` option, which may say what the server is. */
  readonly tokenizer: ParsedBackendOptions["tokenizer"];
  /** What the backend's options say of it, before the server says more. */
  readonly configured: BackendDescription;
  /** The capabilities the backend derives, probes and learns. */
  readonly state: CapabilityState;
}

/**
 * The profile of a backend's server, its discovery giving each route 2 seconds (`ServerProfile`).
 *
 * @example
 * const profile = createServerProfile({ endpoint, headers, fetch, clock, lifetime, tokenizer: "auto", configured, state });
 * const capabilities = await profile.capabilities(signal);
 * profile.describe().versions; // { "llama.cpp": "b6123-1a2b3c4d" } once a llama-server was discovered
 */
export function createServerProfile(settings: ServerProfileSettings): ServerProfile {
  const { endpoint, state, tokenizer } = settings;
  // Asked beside the capability probe until the server answers: what a server does not say (or says too
  // slowly) is simply not recorded, and never holds up a call for longer than the deadline.
  // Each model file the server reports is hashed once for the backend's life.
  const modelFileHashes = createModelFileHashes({ signal: settings.lifetime });
  const discovery = createDiscoveryMemory({
    ask: () =>
      discoverServer({
        requestBase: endpoint.requestBase,
        headers: settings.headers,
        fetch: settings.fetch,
        signal: settings.lifetime,
        timeoutMilliseconds: discoveryTimeoutMilliseconds,
        modelFileHashes,
      }),
    clock: settings.clock,
  });
  const discover = discovery.discover;
  return {
    discover,
    describe() {
      const discovered = discovery.latest();
      // A file too big to hash before the discovery ended is told once its hash is known.
      const modelHash =
        discovered.modelHash ??
        (discovered.modelFile === undefined ? undefined : modelFileHashes.known(discovered.modelFile));
      return {
        ...settings.configured,
        ...(discovered.versions === undefined ? {} : { versions: discovered.versions }),
        ...(discovered.modelFile === undefined ? {} : { modelFile: discovered.modelFile }),
        ...(modelHash === undefined ? {} : { modelHash }),
      };
    },
    async servedByLlamaCpp(signal) {
      if (tokenizer === "llama.cpp") return true;
      if (tokenizer === "vllm") return false;
      return (await untilAborted(discover(), signal)).versions?.["llama.cpp"] !== undefined;
    },
    async capabilities(signal) {
      // No request after an abort: a call already aborted takes what the server said so far, and asks it
      // nothing more; one that aborts while the server is asked stops waiting (the discovery goes on).
      const [found, server] = await Promise.all([
        state.capabilities(signal),
        signal?.aborted === true ? discovery.latest() : untilAborted(discover(), signal),
      ]);
      return server.samplingDefaults === undefined
        ? found
        : { ...found, samplingDefaults: server.samplingDefaults };
    },
  };
}
