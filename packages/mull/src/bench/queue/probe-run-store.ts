import { openPostgresPool, type RunLocation } from "../store/index.ts";

/**
 * Asks the server of a run's store whether it answers: a PostgreSQL store is connected to once, on a
 * connection of its own, and disconnected; a run directory, a file on this machine, always answers.
 * Cheap enough to ask every second while a worker waits for its store.
 *
 * @throws MullError, with the `pg` error as its cause, when the server cannot be reached, does not answer
 *   within the URL's `connect_timeout` (10 s without one) or refuses the login (`openPostgresPool`).
 * @example
 * await probeRunStore({ kind: "postgres", url: "postgres://mull:pw@db/runs", name: "gsm8k" });
 */
export async function probeRunStore(location: RunLocation): Promise<void> {
  if (location.kind === "sqlite") return;
  const pool = await openPostgresPool(location.url, { maxConnections: 1 });
  await pool.end();
}
