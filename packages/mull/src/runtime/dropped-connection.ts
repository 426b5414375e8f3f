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

/** The mark of a dropped connection that a fetch has already dealt with (`markDropSettled`). */
const settledMarker = Symbol.for("mull.dropped-connection.settled");

/** Whether `candidate` carries the mark of `markDropSettled`. */
function settled(candidate: unknown): candidate is Error {
  return candidate instanceof Error && Object.hasOwn(candidate, settledMarker);
}

/**
 * Marks `error`, with which a fetch that resends requests on dropped connections itself rejects, as settled:
 * that fetch knew whether the connection was a reused one and whether any of the response had arrived, and
 * already sent the request again where that was safe, so a caller must not send it once more for the same
 * dropped connection (`isResendableDrop`). Returns `error`.
 *
 * @example
 * reject(markDropSettled(new TypeError("fetch failed", { cause: error })));
 */
export function markDropSettled<Failure extends Error>(error: Failure): Failure {
  Object.defineProperty(error, settledMarker, { value: true });
  return error;
}

/**
 * Whether a request whose fetch failed with `error` before any response arrived may be sent once more at
 * once: the other side dropped the connection (`isDroppedConnection`), and no fetch below the caller has
 * settled that already (`markDropSettled`). A server closes a kept-alive connection it is done with
 * without saying so, and a request written in the moment before the close arrives meets a closed
 * connection without the server having taken it in.
 *
 * @example
 * if (!signal.aborted && isResendableDrop(error)) response = await fetch(url, init);
 */
export function isResendableDrop(error: unknown): boolean {
  return isDroppedConnection(error) && findCause(error, settled) === undefined;
}
