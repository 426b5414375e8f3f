import type { z } from "zod";
import { ConfigError } from "../errors/index.ts";

/**
 * A zod issue path as a dotted path with indices: `upstreams[0].baseUrl`; `(root)` for the value itself.
 *
 * @example
 * issuePath(["upstreams", 0, "baseUrl"]); // "upstreams[0].baseUrl"
 */
export function issuePath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const part of path) {
    text += typeof part === "number" ? `[${part}]` : `${text === "" ? "" : "."}${String(part)}`;
  }
  return text === "" ? "(root)" : text;
}

/**
 * Parses an options object (or a config file, a request body) with a zod schema and returns the parsed
 * value with the schema's defaults filled in. Every problem is listed with its dotted path, the value
 * given and what was expected; the error's `field` is the first problem's path, prefixed by `prefix`.
 *
 * @throws ConfigError `<owner>: <path>: <message>` for one problem, a list under `<owner> is invalid` for
 * several.
 * @example
 * const options = parseOptions(z.object({ n: z.int().min(1) }), input, "selfConsistency");
 */
export function parseOptions<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  owner: string,
  prefix = "",
): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const field = (path: readonly PropertyKey[]) =>
    prefix === "" ? issuePath(path) : path.length === 0 ? prefix : `${prefix}.${issuePath(path)}`;
  // A schema's own message may already name the field ("concurrency must be …"): then the path takes its place.
  const describe = (issue: z.core.$ZodIssue): string => {
    const last = issue.path.at(-1);
    return typeof last === "string" && issue.message.startsWith(`${last} `)
      ? `${field(issue.path)}${issue.message.slice(last.length)}`
      : `${field(issue.path)}: ${issue.message}`;
  };
  const problems = result.error.issues.map(describe);
  const first = result.error.issues[0];
  const message =
    problems.length === 1 ? `${owner}: ${problems[0]}` : `${owner} is invalid:\n  ${problems.join("\n  ")}`;
  throw new ConfigError(message, { field: first === undefined ? undefined : field(first.path) });
}
