import { z } from "zod";

/** `url` with everything before its last `@` (credentials) blotted out, for a message: `redis://…@host:6379/0`. */
function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/i, "$1…@");
}

/**
 * A Redis URL, `redis://[user:password@]host:port[/db]` or `rediss://…`, as `ioredis` reads it: one the
 * URL parser takes (a password may hold any character, a space too) with one of the two schemes. A refusal
 * shows the value given with its credentials blotted out, and says what is wrong with it.
 */
export const redisUrlSchema = z.string().superRefine((value, context) => {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    context.addIssue({
      code: "custom",
      message: `expected a redis:// or rediss:// URL, got ${JSON.stringify(withoutCredentials(value))}`,
    });
    return;
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    context.addIssue({
      code: "custom",
      message: `expected a redis:// or rediss:// URL, got a ${parsed.protocol}// URL (${parsed.protocol}//${parsed.host})`,
    });
  } else if (parsed.host === "") {
    context.addIssue({
      code: "custom",
      message: "expected a redis:// or rediss:// URL with a host, got none",
    });
  }
});
