/** Longest description; a longer one is cut to this length, ending in `...`. */
const longest = 80;

function describeFunction(value: { readonly name: string }): string {
  return value.name === "" ? "[Function (anonymous)]" : `[Function: ${value.name}]`;
}

/** The name a class instance is shown under (`AbortSignal`); none for plain objects and arrays. */
function className(value: object): string | undefined {
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype === null || prototype === Object.prototype || prototype === Array.prototype) return undefined;
  const maker = (prototype as { readonly constructor?: unknown }).constructor;
  return typeof maker === "function" && maker.name !== "" ? maker.name : undefined;
}

/**
 * Renders `value` in JSON's compact syntax where JSON has one, and as JavaScript writes it where JSON has
 * none; stops adding items once the text is longer than `room`, since the caller cuts it there anyway.
 */
function render(value: unknown, ancestors: Set<object>, room: number): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value.length > room ? value.slice(0, room) : value);
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "bigint":
      return `${value}n`;
    case "boolean":
    case "undefined":
      return String(value);
    case "symbol":
      return value.toString();
    case "function":
      return describeFunction(value);
  }
  // Only null and objects are left here.
  if (typeof value !== "object" || value === null) return String(value);
  if (ancestors.has(value)) return "[Circular]";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  ancestors.add(value);
  try {
    const array = Array.isArray(value);
    const keys = array ? undefined : Object.keys(value);
    const count = keys === undefined ? (value as unknown[]).length : keys.length;
    const parts: string[] = [];
    let length = 2;
    for (let index = 0; index < count && length <= room; index += 1) {
      const key = keys?.[index];
      const item = key === undefined ? (value as unknown[])[index] : (value as Record<string, unknown>)[key];
      const part = `${key === undefined ? "" : `${JSON.stringify(key)}:`}${render(item, ancestors, room - length)}`;
      parts.push(part);
      length += part.length + 1;
    }
    const body = array ? `[${parts.join(",")}]` : `{${parts.join(",")}}`;
    const name = className(value);
    return name === undefined ? body : `${name} ${body}`;
  } finally {
    ancestors.delete(value);
  }
}

/**
 * A value as an error message shows it: JSON's compact syntax for strings, plain objects and arrays (so
 * `"4"` reads as a string), and what JSON cannot say written as JavaScript does (`NaN`, `-Infinity`,
 * `10n`, `undefined`, `Symbol(x)`, `[Function: now]`, `[Circular]`, a class instance's name before its
 * fields). A description longer than 80 characters is cut, ending in `...`. It never throws, whatever
 * the value (a cycle, a getter that throws).
 *
 * @example
 * `temperature must be a number, got ${describeValue(Number.NaN)}`; // "temperature must be a number, got NaN"
 * describeValue({ kind: "draft", tokens: 10n }); // '{"kind":"draft","tokens":10n}'
 */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = render(value, new Set(), longest);
  } catch {
    text = "a value that cannot be shown";
  }
  return text.length > longest ? `${text.slice(0, longest - 3)}...` : text;
}
