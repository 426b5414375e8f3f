import { z } from "zod";
import { issuePath } from "../../runtime/index.ts";
import { shownValue } from "./shown-value.ts";

/** A character a tool's name may hold. */
const nameCharacter = /[a-zA-Z0-9_-]/;

/**
 * A tool's name as OpenAI's and Anthropic's APIs take it (`^[a-zA-Z0-9_-]{1,64}$`): 1 to 64 characters (the
 * field's own message says so), each a letter, digit, underscore or dash; a name holding any other
 * character is refused with the first such character named, since a long name is not shown whole.
 */
export const toolNameSchema = z
  .string()
  .min(1)
  .max(64)
  .superRefine((name, context) => {
    const characters = [...name];
    const position = characters.findIndex((character) => !nameCharacter.test(character));
    if (position < 0) return;
    context.addIssue({
      code: "custom",
      message: `must hold only letters, digits, underscores and dashes, got ${shownValue(name)}, whose character ${position + 1} is ${JSON.stringify(characters[position])}`,
    });
  });

/** The tools a request offers and the tool it asks for, where the request's shape keeps them. */
export interface OfferedTools {
  /** The tools' names, in order; `undefined` where the request gives no tools. */
  readonly names: readonly string[] | undefined;
  /** The path of the `index`th tool's name: `["tools", 2, "function", "name"]` on chat completions. */
  readonly namePath: (index: number) => readonly (string | number)[];
  /** The tool choice as the client sent it; `undefined` where it sent none. */
  readonly choice: unknown;
  /**
   * How a message shows the choice; default as the client sent it (`shownValue`). A choice a front end
   * mapped from another API's shape is described rather than shown as mapped.
   */
  readonly choiceShown?: string | undefined;
  /** The fields that hold the tools and the choice; default `tools` and `tool_choice`. */
  readonly fields?: { readonly tools: string; readonly choice: string } | undefined;
  /** Whether the choice asks for no calls (`"none"`), which needs no tools. */
  readonly choiceDeclines: boolean;
  /** The tool the choice names, and the path of that name; `undefined` where it names none. */
  readonly chosen?: { readonly name: string; readonly path: readonly (string | number)[] } | undefined;
}

/** The most tool names an error lists. */
const listedNames = 8;

function listed(names: readonly string[]): string {
  const shown = names.slice(0, listedNames).join(", ");
  return names.length > listedNames ? `${shown}, … (${names.length} tools)` : shown;
}

/** One way a request's tools and tool choice contradict each other: the field at fault, and what it must be. */
export interface ToolIssue {
  readonly path: readonly (string | number)[];
  /** What the field must be and what was given, read after the field's path. */
  readonly message: string;
}

/**
 * The tools whose name an earlier tool has already: one issue on each such later name (`namePath` of its
 * index), which names the earlier tool.
 *
 * @example
 * duplicateNameIssues(["a", "b", "a"], (index) => ["tools", index, "name"]);
 * // [{ path: ["tools", 2, "name"], message: 'must differ from every other tool\'s name, got "a", the name of tools[0].name too' }]
 */
export function duplicateNameIssues(
  names: readonly string[],
  namePath: (index: number) => readonly (string | number)[],
): ToolIssue[] {
  const first = new Map<string, number>();
  const issues: ToolIssue[] = [];
  names.forEach((name, index) => {
    const earlier = first.get(name);
    if (earlier === undefined) {
      first.set(name, index);
      return;
    }
    issues.push({
      path: namePath(index),
      message: `must differ from every other tool's name, got ${shownValue(name)}, the name of ${issuePath(namePath(earlier))} too`,
    });
  });
  return issues;
}

/**
 * Each way a request's tools and tool choice contradict each other, which the upstream would refuse on
 * every sample call: a tool name given twice (on the later tool), a tool choice without tools (unless it
 * asks for no calls), and a tool choice naming a tool the request does not offer. Each message says what
 * was expected and what was given.
 *
 * @example
 * toolIssues({ names: ["get_weather"], namePath: (i) => ["tools", i, "function", "name"], choice, choiceDeclines: false, chosen: { name: "zzz", path: ["tool_choice", "function", "name"] } });
 * // [{ path: ["tool_choice", "function", "name"], message: 'must be the name of one of the tools (get_weather), got "zzz"' }]
 */
export function toolIssues(offered: OfferedTools): ToolIssue[] {
  const { names } = offered;
  const issues = names === undefined ? [] : duplicateNameIssues(names, offered.namePath);
  if (offered.choice === undefined) return issues;
  const fields = offered.fields ?? { tools: "tools", choice: "tool_choice" };
  if (names === undefined) {
    if (offered.choiceDeclines) return issues;
    return [
      ...issues,
      {
        path: [fields.choice],
        message: `is allowed only with ${fields.tools} (the tools the model may call), got ${offered.choiceShown ?? shownValue(offered.choice)} with no ${fields.tools}: send ${fields.tools}, or leave ${fields.choice} out`,
      },
    ];
  }
  const chosen = offered.chosen;
  if (chosen === undefined || names.includes(chosen.name)) return issues;
  return [
    ...issues,
    {
      path: chosen.path,
      message: `must be the name of one of the ${fields.tools} (${listed(names)}), got ${shownValue(chosen.name)}`,
    },
  ];
}

/**
 * Adds `toolIssues` to a schema's refinement context, for `parseRequestBody`'s 400 on the first.
 *
 * @example
 * z.object({ tools, tool_choice }).superRefine((body, context) =>
 *   addToolIssues(context, { names: body.tools?.map((tool) => tool.name), namePath: (i) => ["tools", i, "name"], choice: body.tool_choice, choiceDeclines: body.tool_choice === "none" }),
 * );
 */
export function addToolIssues(context: z.RefinementCtx, offered: OfferedTools): void {
  for (const issue of toolIssues(offered)) {
    context.addIssue({ code: "custom", path: [...issue.path], message: issue.message });
  }
}
