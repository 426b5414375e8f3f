import { createHash, timingSafeEqual } from "node:crypto";

/** Checks client bearer tokens against the configured API keys. */
export interface ApiKeyCheck {
  /** True when no keys are configured (the server then listens on loopback only). */
  readonly open: boolean;
  /** Whether an `Authorization` header value carries one of the keys. */
  accepts(authorization: string | null | undefined): boolean;
  /**
   * An opaque id of the key an accepted header carries (a prefix of its SHA-256 digest, never the key),
   * or `anonymous` when no keys are configured; for per-key budgets.
   */
  keyId(authorization: string | null | undefined): string;
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/**
 * Splits the value of an API-keys environment variable (comma-separated, spaces ignored) into keys.
 *
 * @example
 * parseApiKeys("sk-a, sk-b"); // ["sk-a", "sk-b"]
 */
export function parseApiKeys(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((key) => key.trim())
    .filter((key) => key !== "");
}

/**
 * An API-key check over bearer tokens. Keys are kept only as SHA-256 digests and compared in constant
 * time, every key every time, so neither the keys nor their prefixes leak through timing or memory dumps
 * of the check.
 *
 * @example
 * const check = createApiKeyCheck(parseApiKeys(process.env.MULL_API_KEYS));
 * check.accepts("Bearer sk-a"); // true
 */
export function createApiKeyCheck(keys: readonly string[]): ApiKeyCheck {
  const digests = keys.map(digest);
  return {
    open: digests.length === 0,
    accepts(authorization) {
      if (digests.length === 0) return true;
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
      if (match === null) return false;
      const given = digest(match[1] as string);
      let found = false;
      for (const candidate of digests) found = timingSafeEqual(candidate, given) || found;
      return found;
    },
    keyId(authorization) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
      if (digests.length === 0 || match === null) return "anonymous";
      return digest(match[1] as string)
        .toString("hex")
        .slice(0, 16);
    },
  };
}
