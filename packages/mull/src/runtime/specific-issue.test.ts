import { describe, expect, it } from "vitest";
import { z } from "zod";
import { specificIssue } from "./specific-issue.ts";

const part = z.object({ type: z.literal("text"), text: z.string() });
const content = z.object({ content: z.union([z.string(), z.array(part).min(1)]) });

function firstIssue(schema: z.ZodType, value: unknown) {
  const issue = schema.safeParse(value, { reportInput: true }).error?.issues[0];
  if (issue === undefined) throw new Error("expected an issue");
  return specificIssue(issue);
}

describe("specificIssue", () => {
  it("follows the one branch of a union that got past the value's type, down to the part at fault", () => {
    const issue = firstIssue(content, { content: [{ type: "text", text: "a" }, { type: "image" }] });
    expect(issue.code).toBe("invalid_value");
    expect(issue.path).toEqual(["content", 1, "type"]);
    expect(issue.input).toBe("image");
  });

  it("keeps the union where no branch got past the value's type", () => {
    const issue = firstIssue(content, { content: 5 });
    expect(issue.code).toBe("invalid_union");
    expect(issue.path).toEqual(["content"]);
  });

  it("gives a discriminated union's tag as its input, not the whole object", () => {
    const choice = z.object({
      choice: z.discriminatedUnion("type", [
        z.object({ type: z.literal("auto") }),
        z.object({ type: z.literal("none") }),
      ]),
    });
    const unknown = firstIssue(choice, { choice: { type: "anything", secret: "sk-0123456789abcdef" } });
    expect(unknown.path).toEqual(["choice", "type"]);
    expect(unknown.input).toBe("anything");
    expect(firstIssue(choice, { choice: {} }).input).toBeUndefined();
  });

  it("leaves any other issue as it is", () => {
    const issue = z.object({ n: z.number() }).safeParse({ n: "x" }).error?.issues[0];
    if (issue === undefined) throw new Error("expected an issue");
    expect(specificIssue(issue)).toBe(issue);
  });
});
