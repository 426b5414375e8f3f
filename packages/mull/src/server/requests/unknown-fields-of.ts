import type { z } from "zod";
import { bannedRequestFields } from "./request-schema.ts";

/** Keys naming JavaScript object internals: never read as fields (bodies carry them to pollute prototypes). */
const objectInternals: readonly string[] = ["__proto__", "constructor", "prototype"];

/**
 * The top-level fields of a request body that `schema` does not model (`reasoning_effort`, `guided_json`,
 * `min_tokens`, …), as the client sent them: JSON values, bounded by the server's body limit, for
 * `forwardedBody` to pass to an OpenAI-compatible upstream unchanged. Fields that would choose the upstream
 * (`bannedRequestFields`, refused when the body is parsed) and keys naming object internals (`__proto__`,
 * `constructor`, `prototype`) are never among them. `undefined` when there are none.
 *
 * @example
 * unknownFieldsOf({ model: "m", messages, reasoning_effort: "low" }, chatRequestSchema);
 * // { reasoning_effort: "low" }
 */
export function unknownFieldsOf(
  raw: unknown,
  schema: z.ZodObject,
): Readonly<Record<string, unknown>> | undefined {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return undefined;
  const known = schema.shape;
  const entries = Object.entries(raw).filter(
    ([field]) =>
      !Object.hasOwn(known, field) &&
      !bannedRequestFields.includes(field) &&
      !objectInternals.includes(field),
  );
  // `fromEntries` defines each field as its own property: no key can reach a prototype.
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}
