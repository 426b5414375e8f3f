import { z } from "zod";
import { issuePath } from "../../runtime/index.ts";
import { ApiError } from "../http/index.ts";
import { addToolIssues, type OfferedTools, toolIssues, toolNameSchema } from "./offered-tools.ts";

/** One function tool of a chat request: its name as OpenAI takes it (`toolNameSchema`). */
export const chatToolSchema = z.object({
  type: z.literal("function"),
  function: z.looseObject({
    name: toolNameSchema,
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

/** A chat request's `tool_choice`: a mode, or the one function the model must call. */
export const chatToolChoiceSchema = z.union([
  z.enum(["none", "auto", "required"]),
  z.object({ type: z.literal("function"), function: z.object({ name: z.string().min(1) }) }),
]);

/** The fields of a chat request that `addChatToolIssues` reads. */
export interface ChatToolFields {
  readonly tools?: readonly z.output<typeof chatToolSchema>[] | null | undefined;
  readonly tool_choice?: z.output<typeof chatToolChoiceSchema> | null | undefined;
}

/**
 * The tools and tool choice of a chat request, for `toolIssues`; the choice's name at `choicePath`, the
 * choice shown as `choiceShown` where given.
 */
function offeredTools(
  body: ChatToolFields,
  choicePath: readonly string[],
  choiceShown?: string,
): OfferedTools {
  const choice = body.tool_choice ?? undefined;
  return {
    names: body.tools?.map((tool) => tool.function.name) ?? undefined,
    namePath: (index) => ["tools", index, "function", "name"],
    choice,
    choiceShown,
    choiceDeclines: choice === "none",
    chosen: typeof choice === "object" ? { name: choice.function.name, path: choicePath } : undefined,
  };
}

/**
 * Checks a chat request's tools against each other and against its `tool_choice` (`toolIssues`): a
 * function name given twice, a `tool_choice` other than `"none"` without tools, a `tool_choice` naming a
 * function not among the tools; each an issue on the field at fault (`tools[1].function.name`,
 * `tool_choice`, `tool_choice.function.name`).
 *
 * @example
 * z.object({ tools, tool_choice }).superRefine(addChatToolIssues);
 */
export function addChatToolIssues(body: ChatToolFields, context: z.RefinementCtx): void {
  addToolIssues(context, offeredTools(body, ["tool_choice", "function", "name"]));
}

/**
 * Refuses a chat request that a front end built from another API's (Anthropic's `/v1/messages`), whose
 * tools contradict its `tool_choice`, as the chat schema refuses one sent to `/v1/chat/completions`
 * (`addChatToolIssues`), before any upstream call; a choice naming no tool is named as Anthropic's
 * `tool_choice.name`, and a choice without tools is described rather than shown as mapped.
 *
 * @throws ApiError 400 naming the field at fault, its value and what was expected.
 * @example
 * refuseToolMismatch({ tools, tool_choice: { type: "function", function: { name: "zzz" } } });
 * // ApiError 400: tool_choice.name must be the name of one of the tools (get_weather), got "zzz"
 */
export function refuseToolMismatch(body: ChatToolFields): void {
  // The choice as mapped (`required` for Anthropic's `any`) is not what the client sent.
  const [issue] = toolIssues(offeredTools(body, ["tool_choice", "name"], "a choice other than none"));
  if (issue === undefined) return;
  const param = issuePath(issue.path);
  throw new ApiError(400, `${param} ${issue.message}`, { param, code: "invalid_value" });
}
