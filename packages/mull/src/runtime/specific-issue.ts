import type { z } from "zod";

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The issue that names a fault most closely, its `input` the value at its own path. Where a union failed
 * in one branch only past the value's own type (`content` is an array, as one branch takes, and its second
 * part lacks `text`), that branch's issue at its full path (`content[1].text`), and so on down; where a
 * discriminated union met an unknown tag, its input is the tag (`"anything"`), not the whole object. Any
 * other issue as it is.
 *
 * @example
 * specificIssue(issues[0]); // { code: "invalid_value", path: ["messages", 0, "content", 0, "type"], input: "img", … }
 */
export function specificIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  let current = issue;
  while (current.code === "invalid_union") {
    const { discriminator, input } = current;
    if (discriminator !== undefined && isObject(input)) {
      // The path already ends at the tag's key; the message shows what was given there.
      return { ...current, input: input[discriminator] };
    }
    // Branches whose own type did not match fail at their root; the one that went further names the fault.
    const deeper = current.errors
      .map((branch) => branch.find((inner) => inner.path.length > 0))
      .filter((inner) => inner !== undefined);
    const [only] = deeper;
    if (only === undefined || deeper.length > 1) return current;
    current = { ...only, path: [...current.path, ...only.path] };
  }
  return current;
}
