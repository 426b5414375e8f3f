import { createHash } from "node:crypto";

/** One field that differs between two configurations. */
export interface ConfigChange {
  /** Dotted path of the field, e.g. `sampling.temperature`. */
  readonly field: string;
  /** The value stored with the run, or `undefined` when the field is new. */
  readonly stored: unknown;
  /** The value asked for now, or `undefined` when the field was dropped. */
  readonly requested: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** JSON with object keys sorted and `undefined` fields dropped, so equal configs serialise equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(",")}]`;
  if (isPlainObject(value)) {
    const entries = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** SHA-256 of a configuration's canonical JSON, in hex. */
export function configHash(config: unknown): string {
  return createHash("sha256").update(canonicalJson(config)).digest("hex");
}

function flatten(value: unknown, prefix: string, into: Map<string, unknown>): void {
  if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      if (value[key] !== undefined) flatten(value[key], prefix === "" ? key : `${prefix}.${key}`, into);
    }
    return;
  }
  into.set(prefix, value);
}

/**
 * The fields that differ between a stored and a requested configuration, field by field (arrays are
 * compared whole), in sorted order.
 *
 * @example
 * configDiff({ sampling: { temperature: 0.7 } }, { sampling: { temperature: 1 } });
 * // [{ field: "sampling.temperature", stored: 0.7, requested: 1 }]
 */
export function configDiff(stored: unknown, requested: unknown): ConfigChange[] {
  const before = new Map<string, unknown>();
  const after = new Map<string, unknown>();
  flatten(stored, "", before);
  flatten(requested, "", after);
  const fields = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: ConfigChange[] = [];
  for (const field of fields) {
    const old = before.get(field);
    const now = after.get(field);
    if (canonicalJson(old ?? null) !== canonicalJson(now ?? null) || before.has(field) !== after.has(field)) {
      changes.push({ field, stored: old, requested: now });
    }
  }
  return changes;
}

/** Renders changes one per line: `  sampling.temperature: 0.7 → 1`. */
export function formatConfigChanges(changes: readonly ConfigChange[]): string {
  const show = (value: unknown) => (value === undefined ? "(absent)" : canonicalJson(value));
  return changes
    .map((change) => `  ${change.field}: ${show(change.stored)} → ${show(change.requested)}`)
    .join("\n");
}
