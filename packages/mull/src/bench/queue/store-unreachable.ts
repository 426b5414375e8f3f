import { findCause } from "../../errors/index.ts";

/**
 * Codes of a store that cannot be reached or dropped the connection: Node's socket errors (refused,
 * reset, timed out, no route, a name lookup that failed for now) and PostgreSQL's SQLSTATEs of a server
 * shutting down or starting up (57P01-57P03) or of a broken connection (class 08). A refused login
 * (class 28), a missing database (3D000), a name that does not resolve (ENOTFOUND) or bad data are not.
 */
const unreachableCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "57P01",
  "57P02",
  "57P03",
  "08000",
  "08001",
  "08003",
  "08006",
]);

/** `pg`'s words, without a code, for a connection the server closed or that did not open in time. */
const unreachableMessages = new Set([
  "Connection terminated unexpectedly",
  "Connection terminated due to connection timeout",
  "timeout expired",
  "Client has encountered a connection error and is not queryable",
]);

/** Errors a run's store threw (`markStoreFailure`), as opposed to its backend's or the worker's own. */
const storeFailures = new WeakSet<object>();

function unreachable(candidate: unknown): candidate is Error {
  if (!(candidate instanceof Error)) return false;
  const code = (candidate as Error & { code?: unknown }).code;
  if (typeof code === "string" && unreachableCodes.has(code)) return true;
  return unreachableMessages.has(candidate.message);
}

function marked(candidate: unknown): candidate is object {
  return typeof candidate === "object" && candidate !== null && storeFailures.has(candidate);
}

/**
 * Whether `error`, or an error among its causes, says a server could not be reached or dropped the
 * connection (`connect ECONNREFUSED …`, `read ECONNRESET`, PostgreSQL's `terminating connection due to
 * administrator command` or `the database system is starting up`, `Connection terminated
 * unexpectedly`), rather than refused the login or the data.
 *
 * @example
 * isConnectionFailure(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })); // true
 * isConnectionFailure(Object.assign(new Error("password authentication failed"), { code: "28P01" })); // false
 */
export function isConnectionFailure(error: unknown): boolean {
  return findCause(error, unreachable) !== undefined;
}

/**
 * Marks `error` as thrown by a run's store, so that `storeUnreachable` tells it from a backend's
 * failure with the same socket error; returns it. A value that is not an object is returned unmarked.
 *
 * @example
 * store.claimPair(problemId, strategy, claim).catch((error: unknown) => { throw markStoreFailure(error); });
 */
export function markStoreFailure<Failure>(error: Failure): Failure {
  if (typeof error === "object" && error !== null) storeFailures.add(error);
  return error;
}

/**
 * The connection failure (`isConnectionFailure`) that made a run's store fail `error` (a job's failure,
 * with its causes): the first error the store threw (`markStoreFailure`), or one of its causes, that
 * says the store could not be reached; `undefined` when the store did not fail so. A backend that
 * refuses connections is not the store.
 *
 * @example
 * const away = storeUnreachable(error); // Error: connect ECONNREFUSED 127.0.0.1:5432
 * if (away !== undefined) await job.moveToDelayed(Date.now() + 1000, token);
 */
export function storeUnreachable(error: unknown): Error | undefined {
  const thrown = findCause(error, marked);
  return thrown === undefined ? undefined : findCause(thrown, unreachable);
}
