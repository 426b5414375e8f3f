import type { z } from "zod";

/** The parts of a zod schema's definition that lead to the schemas inside it. */
interface Definition {
  readonly type: string;
  readonly shape?: Readonly<Record<string, z.core.$ZodType>>;
  readonly innerType?: z.core.$ZodType;
  readonly in?: z.core.$ZodType;
  readonly out?: z.core.$ZodType;
  readonly left?: z.core.$ZodType;
  readonly right?: z.core.$ZodType;
  readonly element?: z.core.$ZodType;
  readonly valueType?: z.core.$ZodType;
  readonly rest?: z.core.$ZodType | null;
  readonly options?: readonly z.core.$ZodType[];
  readonly items?: readonly z.core.$ZodType[];
  readonly getter?: () => z.core.$ZodType;
}

function definitionOf(schema: z.core.$ZodType): Definition {
  return schema._zod.def as unknown as Definition;
}

/** The schemas right inside one: the one it wraps or pipes, its options, its elements, its fields' values. */
function partsOf(definition: Definition): z.core.$ZodType[] {
  const parts = [
    definition.innerType,
    definition.in,
    definition.out,
    definition.left,
    definition.right,
    definition.element,
    definition.valueType,
    definition.rest ?? undefined,
    ...(definition.options ?? []),
    ...(definition.items ?? []),
    ...Object.values(definition.shape ?? {}),
    definition.type === "lazy" ? definition.getter?.() : undefined,
  ];
  return parts.filter((part) => part !== undefined);
}

/**
 * The schema under the wrappers that keep a value's shape (optional, nullable, default, a lazy's target, a
 * pipe's input, or its output where the input is a preprocessing transform, as `z.preprocess` builds).
 */
function unwrapped(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    const definition = definitionOf(current);
    const piped =
      definition.type === "pipe" && definition.in !== undefined
        ? definitionOf(definition.in).type === "transform"
          ? definition.out
          : definition.in
        : undefined;
    const inner =
      definition.innerType ?? piped ?? (definition.type === "lazy" ? definition.getter?.() : undefined);
    if (inner === undefined) return current;
    current = inner;
  }
}

const namesBySchema = new WeakMap<z.core.$ZodType, ReadonlySet<string>>();

/**
 * Every field name that `schema` defines, at any depth and in every option of its unions (`model`,
 * `include_usage`, `max_calls`): a key of a request that is one of them is the server's own word, which an
 * error may repeat; any other key was chosen by the client (a key of `logit_bias`, an unknown field).
 *
 * @example
 * schemaFieldNames(z.object({ mull: z.object({ seed: z.number() }) })); // Set { "mull", "seed" }
 */
export function schemaFieldNames(schema: z.core.$ZodType): ReadonlySet<string> {
  const cached = namesBySchema.get(schema);
  if (cached !== undefined) return cached;
  const names = new Set<string>();
  const seen = new Set<z.core.$ZodType>();
  const pending = [schema];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    const definition = definitionOf(next);
    if (definition.type === "object") for (const name of Object.keys(definition.shape ?? {})) names.add(name);
    pending.push(...partsOf(definition));
  }
  namesBySchema.set(schema, names);
  return names;
}

/**
 * The field names of the object schema that a value at `path` meets, looking through wrappers, arrays and
 * records; `undefined` where no single object schema is there (a union, a field the schema does not define).
 *
 * @example
 * objectFieldNamesAt(chatRequestSchema, ["mull", "budget"]);
 * // ["max_total_tokens", "max_completion_tokens", "max_calls", "max_milliseconds"]
 */
export function objectFieldNamesAt(
  schema: z.core.$ZodType,
  path: readonly PropertyKey[],
): string[] | undefined {
  let current = unwrapped(schema);
  for (const part of path) {
    const definition = definitionOf(current);
    const next =
      definition.type === "object"
        ? typeof part === "string" && definition.shape !== undefined && Object.hasOwn(definition.shape, part)
          ? definition.shape[part]
          : undefined
        : definition.type === "array"
          ? definition.element
          : definition.type === "record"
            ? definition.valueType
            : undefined;
    if (next === undefined) return undefined;
    current = unwrapped(next);
  }
  const definition = definitionOf(current);
  return definition.type === "object" ? Object.keys(definition.shape ?? {}) : undefined;
}
