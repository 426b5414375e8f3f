import type { AnswerFormat, ToolCall } from "../spec/index.ts";

/** The prefix that marks an answer naming function calls rather than an answer read from text. */
export const toolCallAnswerPrefix = "tool:";

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, inner]) => [key, sortedKeys(inner)]));
}

/**
 * The canonical JSON text of a call's arguments: keys sorted at every depth, no whitespace, so that
 * `{"b": 1, "a": 2}` and `{"a":2,"b":1}` read the same. Text that is not JSON stays as it is, trimmed
 * (an empty text reads as `{}`).
 *
 * @example
 * canonicalArguments('{ "unit": "c", "city": "Paris" }'); // '{"city":"Paris","unit":"c"}'
 */
export function canonicalArguments(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "") return "{}";
  try {
    return JSON.stringify(sortedKeys(JSON.parse(trimmed)));
  } catch {
    return trimmed;
  }
}

/**
 * The answer a completion that ended in function calls gives, for voting: `tool:` then each call as
 * `name(canonical arguments)`, calls sorted and joined by `; ` (parallel calls in any order are one
 * answer). Ids are left out: they differ between samples.
 *
 * @example
 * toolCallAnswer([{ id: "call_1", name: "get_weather", arguments: '{"city": "Paris"}' }]);
 * // 'tool:get_weather({"city":"Paris"})'
 */
export function toolCallAnswer(calls: readonly ToolCall[]): string {
  const each = calls.map((call) => `${call.name}(${canonicalArguments(call.arguments)})`).sort();
  return `${toolCallAnswerPrefix}${each.join("; ")}`;
}

/** Whether an answer names function calls (made by `toolCallAnswer`). */
export function isToolCallAnswer(answer: string): boolean {
  return answer.startsWith(toolCallAnswerPrefix);
}

/**
 * An answer format that keys answers naming function calls by their canonical text (already canonical:
 * a numeric or math key would mangle the arguments) and every other answer as `format` does.
 *
 * @example
 * const format = withToolCallKeys(autoAnswerFormat);
 * format.key('tool:add({"a":1,"b":2})'); // 'tool:add({"a":1,"b":2})'
 */
export function withToolCallKeys(format: AnswerFormat): AnswerFormat {
  return {
    name: format.name,
    extract: (text) => format.extract(text),
    key: (answer) => (isToolCallAnswer(answer) ? answer : format.key(answer)),
    equivalent: (a, b) => (isToolCallAnswer(a) || isToolCallAnswer(b) ? a === b : format.equivalent(a, b)),
  };
}
