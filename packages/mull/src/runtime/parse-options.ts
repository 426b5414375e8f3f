import type { z } from "zod";
import { ConfigError } from "../errors/index.ts";

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

/** The parts of a zod schema's definition that lead to the object schema inside it. */
interface SchemaDefinition {
  readonly type: string;
  readonly shape?: Readonly<Record<string, z.core.$ZodType>>;
  readonly innerType?: z.core.$ZodType;
  readonly in?: z.core.$ZodType;
  readonly element?: z.core.$ZodType;
  readonly valueType?: z.core.$ZodType;
  readonly getter?: () => z.core.$ZodType;
}

function definitionOf(schema: z.core.$ZodType): SchemaDefinition {
  return schema._zod.def as SchemaDefinition;
}

/** The schema under wrappers that keep a value's shape: optional, default, a pipe's input, … */
function unwrapped(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    const definition = definitionOf(current);
    const inner =
      definition.innerType ??
      (definition.type === "pipe" ? definition.in : undefined) ??
      (definition.type === "lazy" ? definition.getter?.() : undefined);
    if (inner === undefined) return current;
    current = inner;
  }
}

/**
 * The keys of the object schema that a value at `path` meets, looking through wrappers, arrays and
 * records; `undefined` where there is no single object schema (a union, a custom check).
 */
function objectKeysAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let current: z.core.$ZodType | undefined = unwrapped(schema);
  for (const part of path) {
    const definition = definitionOf(current);
    current =
      definition.type === "object" && typeof part === "string"
        ? definition.shape?.[part]
        : definition.type === "array"
          ? definition.element
          : definition.type === "record"
            ? definition.valueType
            : undefined;
    if (current === undefined) return undefined;
    current = unwrapped(current);
  }
  const shape = definitionOf(current).shape;
  return definitionOf(current).type === "object" && shape !== undefined ? Object.keys(shape) : undefined;
}

/**
 * Parses an options object (or a config file, a request body) with a zod schema and returns the parsed
 * value with the schema's defaults filled in. Every problem is listed with its dotted path, the value
 * given and what was expected (`<owner>: <path> must be …, got …` for messages made by `expecting`);
 * the error's `field` is the first problem's path, prefixed by `prefix`.
 * A key that a strict object (`z.strictObject`) does not know, usually a typo, is named by its own path
 * with the keys that object takes: `createBudget: budget.maxTotalToken: unknown key (budget takes
 * maxTotalTokens, …)`.
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
    // A message in the shared wording ("must be …, got …") reads on from the path, as `checkInteger`'s does;
    // one that already names the field ("concurrency must be …") has the path take the name's place.
    if (issue.message.startsWith("must be ")) return `${field(issue.path)} ${issue.message}`;
    const last = issue.path.at(-1);
    return typeof last === "string" && issue.message.startsWith(`${last} `)
      ? `${field(issue.path)}${issue.message.slice(last.length)}`
      : `${field(issue.path)}: ${issue.message}`;
  };
  const problems = result.error.issues.map(describe);
  const first = result.error.issues[0];
  const message =
    problems.length === 1 ? `${owner}: ${problems[0]}` : `${owner} is invalid:\n  ${problems.join("\n  ")}`;
  throw new ConfigError(message, { field: first === undefined ? undefined : field(location(first)) });
}
