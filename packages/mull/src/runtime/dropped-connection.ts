import { findCause } from "../errors/index.ts";

/**
 * Codes of a connection the other side closed or reset: Node's `ECONNRESET` (its `socket hang up` too, for
 * a request that got no response), `EPIPE` (a write after the peer had closed), and undici's
 * `UND_ERR_SOCKET` (`other side closed`, the cause of a `fetch failed`).
 */
const droppedCodes = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET"]);

/** Whether `candidate` is an error whose code, or else whose message, says the peer dropped the connection. */
function dropped(candidate: unknown): candidate is Error {
  if (!(candidate instanceof Error)) return false;
  const code = (candidate as Error & { code?: unknown }).code;
  if (typeof code === "string") return droppedCodes.has(code);
  return candidate.message === "socket hang up";
}

/**
 * Whether `error`, or an error among its causes, says that the other side closed or reset the connection
 * (`ECONNRESET`, `socket hang up`, `EPIPE`, undici's `UND_ERR_SOCKET`), as a server does to a kept-alive
 * connection it is done with. A refused or timed-out connection, a name that does not resolve, or a
 * caller's abort is not a dropped connection.
 *
 * @example
 * isDroppedConnection(new TypeError("fetch failed", { cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }) })); // true
 * isDroppedConnection(new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }) })); // false
 */
export function isDroppedConnection(error: unknown): boolean {
  return findCause(error, dropped) !== undefined;
}
