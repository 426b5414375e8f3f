import { existsSync } from "node:fs";
import { join } from "node:path";
import { UnrecoverableError } from "bullmq";
import { databaseFileName, describeRunLocation, type RunLocation, redactUrl } from "../store/index.ts";

/** Query parameters `redactUrl` hides. */
const secretParameter = /password|secret|token/i;

/** Whether a URL holds a password (or a redacted one, `***`) in its user part or its query. */
function carriesSecret(url: URL): boolean {
  return url.password !== "" || [...url.searchParams.keys()].some((key) => secretParameter.test(key));
}

/**
 * The run location a job carries: a directory as is, a PostgreSQL URL with its password redacted
 * (`redactUrl`), so that no password ever reaches Redis; workers bring their own credentials
 * (`resolveJobRunLocation`).
 *
 * @example
 * jobRunLocation({ kind: "postgres", url: "postgres://mull:pw@db/runs", name: "g" });
 * // { kind: "postgres", url: "postgres://mull:***@db/runs", name: "g" }
 */
export function jobRunLocation(location: RunLocation): RunLocation {
  return location.kind === "sqlite" ? location : { ...location, url: redactUrl(location.url) };
}

/**
 * The location a worker opens for a job's run:
 * - a run directory as the job names it (a plain string is a directory), refused when it holds no
 *   `bench.sqlite`: the directory must be visible to every worker at the same path, and a worker never
 *   creates an empty one;
 * - a PostgreSQL run through the worker's own `--store` URL when its redacted form is the job's URL; else
 *   through the job's URL when that carries no password; else refused, saying how to start the worker.
 * Messages name URLs redacted only.
 *
 * @throws UnrecoverableError (the job fails at once, without retries) as above.
 * @example
 * resolveJobRunLocation(job.data.store, "postgres://mull:pw@db/runs"); // the worker's URL, with its password
 */
export function resolveJobRunLocation(
  store: RunLocation | string,
  workerStoreUrl?: string | undefined,
): RunLocation {
  const location: RunLocation = typeof store === "string" ? { kind: "sqlite", directory: store } : store;
  if (location.kind === "sqlite") {
    if (!existsSync(join(location.directory, databaseFileName))) {
      throw new UnrecoverableError(
        `run directory ${location.directory} holds no ${databaseFileName} on this worker: a queued run's ` +
          "directory must be visible to every worker at the same path (or store the run in PostgreSQL: " +
          "mull bench --store postgres://… and mull worker --store postgres://…)",
      );
    }
    return location;
  }
  if (workerStoreUrl !== undefined && redactUrl(workerStoreUrl) === location.url) {
    return { ...location, url: workerStoreUrl };
  }
  let jobUrl: URL | undefined;
  try {
    jobUrl = new URL(location.url);
  } catch {
    jobUrl = undefined;
  }
  if (jobUrl !== undefined && !carriesSecret(jobUrl)) return location;
  const wanted = location.url.replaceAll("***", "<password>");
  const theirs =
    workerStoreUrl === undefined
      ? "this worker has no --store"
      : `this worker's --store is ${redactUrl(workerStoreUrl)}`;
  throw new UnrecoverableError(
    `${describeRunLocation(location)} needs the database's password, which jobs never carry, and ${theirs}: ` +
      `start the worker with --store ${wanted}`,
  );
}
