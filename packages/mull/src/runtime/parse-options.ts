import type { z } from "zod";
import { ConfigError } from "../errors/index.ts";
import { describeValue } from "./describe-value.ts";
import { issueMessage, missingExpectation } from "./issue-wording.ts";
import { type KeysByNeed, keysByNeed, objectKeysAt, schemaAt } from "./schema-shape.ts";
import { specificIssue } from "./specific-issue.ts";

/**
 * A zod issue path as a dotted path with indices, the form OpenAI's `param` uses too: `upstreams[0].baseUrl`,
 * `messages[2].content`. The empty path (the value itself) reads as `root`, by default `(root)`.
 *
 * @example
 * issuePath(["upstreams", 0, "baseUrl"]); // "upstreams[0].baseUrl"
 * issuePath([], { root: "" }); // ""
 */
export function issuePath(path: readonly PropertyKey[], options: { readonly root?: string } = {}): string {
  let text = "";
  for (const part of path) {
    text += typeof part === "number" ? `[${part}]` : `${text === "" ? "" : "."}${String(part)}`;
  }
  return text === "" ? (options.root ?? "(root)") : text;
}

/** How many keys a missing options object is shown with, at least: all it must have, then others, then `…`. */
const keysShown = 3;

/** The value at `path` inside `value`; `undefined` where there is none. */
function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const part of path) {
    if (typeof current !== "object" || current === null) return undefined;
    try {
      current = (current as Record<PropertyKey, unknown>)[part];
    } catch {
      return undefined;
    }
  }
  return current;
}

/**
 * An object schema's keys as a reader would write the object: `{ problem, strategy, backend, … }`, the
 * `…` standing for keys not shown and, where the object takes keys its schema does not list, for those.
 */
function objectOutline(keys: KeysByNeed | undefined): string {
  if (keys === undefined) return "";
  const all = [...keys.required, ...keys.optional];
  const shown = all.slice(0, Math.max(keys.required.length, keysShown));
  const more = shown.length < all.length || !keys.closed;
  return shown.length === 0 ? "" : ` { ${[...shown, ...(more ? ["…"] : [])].join(", ")} }`;
}

/** Whether a value can stand where an options object is expected. */
function isObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses an options object (or a config file, a request body) with a zod schema and returns the parsed
 * value with the schema's defaults filled in. Every problem is listed with its dotted path, the value
 * given and what was expected (`<owner>: <path> must be …, got …` for messages made by `expecting`);
 * the error's `field` is the first problem's path, prefixed by `prefix`.
 * A key that a strict object (`z.strictObject`) does not know, usually a typo, is named by its own path
 * with the keys that object takes: `createBudget: budget.maxTotalToken: unknown key (budget takes
 * maxTotalTokens, …)`. A missing option says what it must be, from the schema's description (`.describe`)
 * where it has one: `createLlamaCppBackend: model: missing; expected a lab model name …`. No object at
 * all names the keys it must have: `solve: expected an options object { problem, strategy, backend, … };
 * got undefined` (field `options`, or `prefix` where given). Zod's own wording of a wrong type or value
 * is put in the shared one: `n must be a number, got "x"`.
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
  // An unknown key stands at its own path, not its object's, beside the keys the object takes.
  const location = (issue: z.core.$ZodIssue): readonly PropertyKey[] =>
    issue.code === "unrecognized_keys" && issue.keys[0] !== undefined
      ? [...issue.path, issue.keys[0]]
      : issue.path;
  const describe = (issue: z.core.$ZodIssue): string => {
    if (issue.code === "unrecognized_keys") {
      const keys = issue.keys.map((key) => field([...issue.path, key]));
      const known = objectKeysAt(schema, issue.path);
      const object = issue.path.length === 0 && prefix === "" ? owner : field(issue.path);
      const takes = known === undefined ? "" : ` (${object} takes ${known.join(", ")})`;
      return `${keys.join(", ")}: unknown key${keys.length === 1 ? "" : "s"}${takes}`;
    }
    const keys = keysByNeed(schema, issue.path);
    if (issue.path.length === 0 && keys !== undefined && !isObject(value)) {
      const expected = `expected ${prefix === "" ? "an options object" : "an object"}${objectOutline(keys)}`;
      return `${prefix === "" ? "" : `${prefix}: `}${expected}; got ${describeValue(value)}`;
    }
    const given = valueAt(value, issue.path);
    const missing =
      issue.path.length > 0 && given === undefined
        ? missingExpectation(issue, schemaAt(schema, issue.path))
        : undefined;
    if (missing !== undefined) return `${field(issue.path)}: missing; expected ${missing}`;
    // A message in the shared wording ("must be …, got …") reads on from the path, as `checkInteger`'s does;
    // one that already names the field ("concurrency must be …") has the path take the name's place.
    const message = issueMessage(issue, given);
    if (message.startsWith("must be ")) return `${field(issue.path)} ${message}`;
    const last = issue.path.at(-1);
    return typeof last === "string" && message.startsWith(`${last} `)
      ? `${field(issue.path)}${message.slice(last.length)}`
      : `${field(issue.path)}: ${message}`;
  };
  // A union that failed in one branch only past the value's type is named by that branch's issue.
  const issues = result.error.issues.map(specificIssue);
  const problems = issues.map(describe);
  const first = issues[0];
  const message =
    problems.length === 1 ? `${owner}: ${problems[0]}` : `${owner} is invalid:\n  ${problems.join("\n  ")}`;
  // Without a prefix, a problem of the whole value is one of the options object.
  const firstField =
    first === undefined
      ? undefined
      : location(first).length === 0 && prefix === ""
        ? "options"
        : field(location(first));
  throw new ConfigError(message, { field: firstField });
}
