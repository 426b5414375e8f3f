/** Tells of a run's store that stopped answering, once per outage, and when it answers again. */
export interface StoreOutage {
  /** A read of the store failed: told once, on the first failure of an outage. */
  failed(error: unknown): void;
  /** A read of the store succeeded: ends an outage, told once. */
  answered(): void;
}

/**
 * Follows the outages of the store `label` names (`RunStore.label`, its password redacted) for a process
 * that polls it, telling `tell` one line when it stops answering (with the first error's message) and one
 * when it answers again, rather than a line per failed poll.
 *
 * @example
 * const outage = storeOutage(store.label, (line) => process.stderr.write(`${line}\n`));
 * try { count = await store.completedPairCount(); outage.answered(); } catch (error) { outage.failed(error); }
 */
export function storeOutage(label: string, tell: (line: string) => void): StoreOutage {
  let away = false;
  return {
    failed(error) {
      if (away) return;
      away = true;
      const reason = error instanceof Error ? error.message : String(error);
      tell(
        `bench: the run's store ${label} stopped answering (${reason}); ` +
          "waiting on, asking it again every poll (Ctrl-C stops waiting)",
      );
    },
    answered() {
      if (!away) return;
      away = false;
      tell(`bench: the run's store ${label} answers again`);
    },
  };
}
