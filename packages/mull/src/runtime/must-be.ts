import { ConfigError } from "../errors/index.ts";
import { describeValue } from "./describe-value.ts";

/**
 * The one wording of a refused value, shared by the scalar checks (`checkInteger`), the zod schemas of
 * options objects (`integerSchema`, `expecting`) and the backends' own checks: `must be <expected>, got
 * <value>`, the value shown by `describeValue`.
 *
 * @example
 * mustBe("an integer ≥ 1", 0); // "must be an integer ≥ 1, got 0"
 */
export function mustBe(expected: string, value: unknown): string {
  return `must be ${expected}, got ${describeValue(value)}`;
}

/**
 * A zod `error` option in that wording, since zod's own messages leave the value out. `parseOptions` puts
 * the field's path before it: `createLlamaCppBackend: threads must be an integer from 1 to 256, got 0`.
 *
 * @example
 * z.boolean({ error: expecting("a boolean") });
 */
export function expecting(expected: string): (issue: { readonly input?: unknown }) => string {
  return (issue) => mustBe(expected, issue.input);
}

/**
 * The error for a refused option: `<owner>: <field> must be <expected>, got <value>`, with `field` set.
 *
 * @example
 * if (!Array.isArray(stop)) throw optionError("createLlamaCppBackend", "stop", stop, "an array of strings");
 */
export function optionError(owner: string, field: string, value: unknown, expected: string): ConfigError {
  return new ConfigError(`${owner}: ${field} ${mustBe(expected, value)}`, { field });
}
