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

/**
 * `value` with every object field that holds an empty object dropped, recursively (a field whose object
 * holds only such fields, or only `undefined` ones, is empty too), as `configDiff` sees it: `budget: {}` is
 * no field at all. Arrays are kept whole, as `configDiff` compares them.
 */
function withoutEmptyObjects(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const field = withoutEmptyObjects(value[key]);
    if (field !== undefined && !(isPlainObject(field) && Object.keys(field).length === 0)) kept[key] = field;
  }
  return kept;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * SHA-256 of a configuration's canonical JSON, in hex. A field holding an empty object (`budget: {}`,
 * `sampling: {}`) hashes as an absent one, as `configDiff` finds no field in it: configurations that
 * differ only by such fields hash alike. A configuration without one hashes as in earlier versions.
 *
 * @example
 * configHash({ seed: 1, budget: {} }) === configHash({ seed: 1 }); // true
 */
export function configHash(config: unknown): string {
  return sha256(canonicalJson(withoutEmptyObjects(config)));
}

/**
 * Whether a run stored with `recordedHash` (its manifest's `configHash`) over `storedConfig` was made with
 * the configuration that now hashes to `requestedHash`. Runs recorded before empty objects hashed as absent
 * ones hold the hash of their configuration with its empty objects: that hash still vouches for the stored
 * configuration, which is then hashed as `configHash` hashes it now and compared.
 *
 * @example
 * // A run recorded with `budget: {}` by an earlier version resumes without it.
 * recordedHashMatches(stored.manifest.configHash, stored.config, configHash(requested)); // true
 */
export function recordedHashMatches(
  recordedHash: string,
  storedConfig: unknown,
  requestedHash: string,
): boolean {
  if (recordedHash === requestedHash) return true;
  return recordedHash === sha256(canonicalJson(storedConfig)) && configHash(storedConfig) === requestedHash;
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
