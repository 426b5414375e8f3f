import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { isDroppedConnection, markDropSettled } from "../../runtime/index.ts";
import { type AddressPolicy, bareHost } from "./address-policy.ts";
import { bodyText, headersOf, plainHeaders, webBody } from "./fetch-message.ts";

/** Resolves a host name to all its addresses (the shape of `dns.lookup` with `all: true`). */
export type ResolveAll = (hostname: string) => Promise<readonly LookupAddress[]>;

/** Options of `createGuardedFetch`. */
export interface GuardedFetchOptions {
  /** Which resolved addresses may be connected to. */
  readonly policy: AddressPolicy;
  /** Name resolution; default `dns.lookup(hostname, { all: true })`. */
  readonly resolve?: ResolveAll | undefined;
  /** Sockets kept open per host for reuse (default 256). */
  readonly maxFreeSockets?: number | undefined;
}

/** A `fetch` for upstream calls, and `close()` to drop its pooled connections. */
export interface GuardedFetch {
  /** The guarded `fetch`: addresses checked at connect time, redirects not followed, connections pooled. */
  readonly fetch: typeof fetch;
  /** Open sockets, for tests and metrics. */
  sockets(): number;
  /**
   * Requests sent again on a fresh connection because the kept-alive one they went out on was closed by
   * the upstream before any of the response arrived (see `createGuardedFetch`), for tests and metrics.
   */
  resent(): number;
  /** Destroys its connection pools, open sockets included; requests in flight on them fail. */
  close(): void;
}

/** A refusal to connect: the host resolved to an address the policy forbids. */
export class RefusedAddressError extends Error {
  readonly code = "ERR_REFUSED_ADDRESS";
  constructor(message: string) {
    super(message);
    this.name = "RefusedAddressError";
  }
}

const defaultResolve: ResolveAll = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });

/** A request URL, parsed once, with what the address policy says of a literal IP host. */
interface Target {
  /** Never modified: shared by every request to the same URL. */
  readonly url: URL;
  /** The host without IPv6 brackets. */
  readonly literal: string;
  /** Why the policy refuses the host, when it is an IP address the policy refuses. */
  readonly literalRefusal: string | undefined;
}

/** URLs remembered per guarded fetch before the memory starts over. */
const maxKnownTargets = 256;

/**
 * A `fetch` over `node:http`/`node:https` that checks, at connect time, the address each connection
 * really goes to: a host name is resolved, and if any of its addresses is refused by the policy (say a
 * name that resolves to 10.0.0.5 or 169.254.169.254) the request fails before a byte is sent. Redirects
 * are never followed: a 3xx comes back as it is. Connections are pooled (keep-alive) per instance.
 * Aborting `init.signal` destroys the request and its socket.
 *
 * A request that went out on a reused pooled connection and found it closed by the upstream before a
 * single byte of the response arrived (`ECONNRESET`, `socket hang up`, `EPIPE`: `isDroppedConnection`) is
 * sent again at once, once, on a fresh connection, and only the second attempt's outcome is returned.
 * Servers close a kept-alive connection they are done with without saying so (llama.cpp's `llama-server`
 * closes it after every streamed response, with no `Connection: close`), and a request written in the
 * moment before the close arrives meets a closed connection. Resending is safe for any method there: the
 * server had closed the connection it came on, so it never took the request in, and no answer began. A
 * request that fails so on a fresh connection, or after any of its response arrived, is not sent again,
 * and its failure is marked settled (`markDropSettled`), so that the backend above does not send it again.
 *
 * @example
 * const guarded = createGuardedFetch({ policy: createAddressPolicy() });
 * const backend = createOpenAICompatibleBackend({ baseUrl, model, fetch: guarded.fetch });
 */
export function createGuardedFetch(options: GuardedFetchOptions): GuardedFetch {
  const { policy } = options;
  const resolveAll = options.resolve ?? defaultResolve;

  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    const done = callback as (
      error: Error | null,
      address: string | LookupAddress[],
      family?: number,
    ) => void;
    const host = bareHost(hostname);
    const check = (addresses: readonly LookupAddress[]) => {
      if (addresses.length === 0) {
        done(new RefusedAddressError(`${host} resolved to no address`), "", 4);
        return;
      }
      for (const entry of addresses) {
        const refusal = policy.refusal(entry.address);
        if (refusal !== undefined) {
          done(
            new RefusedAddressError(
              `refused to connect to ${host}: it resolves to a ${refusal} address (${entry.address}) that is not in allowedNetworks`,
            ),
            "",
            4,
          );
          return;
        }
      }
      const wanted = (lookupOptions as { family?: number }).family;
      const usable = addresses.filter(
        (entry) => wanted === undefined || wanted === 0 || entry.family === wanted,
      );
      if ((lookupOptions as { all?: boolean }).all === true) {
        done(
          null,
          usable.map((entry) => ({ address: entry.address, family: entry.family })),
        );
        return;
      }
      const first = usable[0] ?? addresses[0];
      done(null, first?.address ?? "", first?.family ?? 4);
    };
    if (isIP(host) !== 0) {
      check([{ address: host, family: isIP(host) }]);
      return;
    }
    resolveAll(host).then(check, (error: unknown) =>
      done(error instanceof Error ? error : new Error(String(error)), "", 4),
    );
  };

  const agentOptions = {
    keepAlive: true,
    maxFreeSockets: options.maxFreeSockets ?? 256,
    lookup,
  };
  const httpAgent = new HttpAgent(agentOptions);
  const httpsAgent = new HttpsAgent(agentOptions);
  // A resend needs a connection of its own: another pooled one may have been closed in the same moment.
  const freshOptions = { keepAlive: false, lookup };
  const freshHttpAgent = new HttpAgent(freshOptions);
  const freshHttpsAgent = new HttpsAgent(freshOptions);
  let resendCount = 0;

  /** Parsed URLs by their text: an upstream is called at the same few URLs again and again. */
  const targets = new Map<string, Target>();
  const targetOf = (text: string): Target => {
    const known = targets.get(text);
    if (known !== undefined) return known;
    const url = new URL(text);
    const literal = bareHost(url.hostname);
    const target: Target = {
      url,
      literal,
      literalRefusal: isIP(literal) === 0 ? undefined : policy.refusal(literal),
    };
    if (targets.size >= maxKnownTargets) targets.clear();
    targets.set(text, target);
    return target;
  };

  const guardedFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const { url, literal, literalRefusal } = targetOf(
      typeof input === "string" ? input : input instanceof Request ? input.url : String(input),
    );
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      return Promise.reject(new TypeError(`guarded fetch: unsupported protocol ${url.protocol}`));
    }
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const body = bodyText(init.body);
    const headers = plainHeaders(init.headers);
    if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
    const isHttps = url.protocol === "https:";
    const send = isHttps ? httpsRequest : httpRequest;
    if (literalRefusal !== undefined) {
      return Promise.reject(
        new TypeError("fetch failed", {
          cause: new RefusedAddressError(
            `refused to connect to ${literal}: a ${literalRefusal} address that is not in allowedNetworks`,
          ),
        }),
      );
    }
    return new Promise<Response>((resolve, reject) => {
      let settled = false;
      const attempt = (agent: HttpAgent, fresh: boolean) => {
        const outgoing = send(url, { method: init.method ?? "GET", headers, agent });
        // Bytes the socket had read before this request: more at its failure means a response had begun.
        let bytesBefore: number | undefined;
        outgoing.once("socket", (socket) => {
          bytesBefore = socket.bytesRead;
        });
        const onAbort = () => {
          outgoing.destroy(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
          if (!settled) {
            settled = true;
            reject(signal?.reason);
          }
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        outgoing.on("error", (error) => {
          signal?.removeEventListener("abort", onAbort);
          if (settled) return;
          const unanswered = bytesBefore !== undefined && outgoing.socket?.bytesRead === bytesBefore;
          if (
            !fresh &&
            outgoing.reusedSocket &&
            unanswered &&
            isDroppedConnection(error) &&
            !signal?.aborted
          ) {
            resendCount += 1;
            attempt(isHttps ? freshHttpsAgent : freshHttpAgent, true);
            return;
          }
          settled = true;
          // Settled here: the backend above must not send a dropped connection again (`markDropSettled`).
          reject(
            signal?.aborted
              ? signal.reason
              : markDropSettled(new TypeError("fetch failed", { cause: error })),
          );
        });
        outgoing.on("response", (incoming) => {
          if (settled) {
            incoming.destroy();
            return;
          }
          settled = true;
          const status = incoming.statusCode ?? 502;
          const nullBody = status === 204 || status === 304 || init.method === "HEAD";
          incoming.on("close", () => signal?.removeEventListener("abort", onAbort));
          if (signal !== undefined) {
            signal.addEventListener(
              "abort",
              () => incoming.destroy(signal.reason instanceof Error ? signal.reason : new Error("aborted")),
              { once: true },
            );
          }
          const stream = nullBody ? null : webBody(incoming);
          if (nullBody) incoming.resume();
          try {
            resolve(
              new Response(stream, {
                status: status < 200 || status > 599 ? 502 : status,
                statusText: incoming.statusMessage ?? "",
                headers: headersOf(incoming),
              }),
            );
          } catch (error) {
            incoming.destroy();
            reject(new TypeError("fetch failed", { cause: error }));
          }
        });
        outgoing.end(body);
      };
      attempt(isHttps ? httpsAgent : httpAgent, false);
    });
  };

  return {
    fetch: guardedFetch as typeof fetch,
    sockets() {
      const count = (agent: HttpAgent) =>
        Object.values(agent.sockets).reduce((sum, list) => sum + (list?.length ?? 0), 0) +
        Object.values(agent.freeSockets).reduce((sum, list) => sum + (list?.length ?? 0), 0);
      return count(httpAgent) + count(httpsAgent) + count(freshHttpAgent) + count(freshHttpsAgent);
    },
    resent() {
      return resendCount;
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
      freshHttpAgent.destroy();
      freshHttpsAgent.destroy();
    },
  };
}
