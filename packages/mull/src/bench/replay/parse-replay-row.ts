import type { z } from "zod";
import { DatasetError, describeRowValue, type JsonRow } from "../datasets/index.ts";

function pathText(path: readonly PropertyKey[]): string {
  let text = "";
  for (const part of path)
    text += typeof part === "number" ? `[${part}]` : `${text === "" ? "" : "."}${String(part)}`;
  return text;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const part of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

/**
 * Validates one JSONL row with a zod schema. The error names the file, the line, the field (a path such
 * as `samples[3].reward`) and the value found.
 *
 * @throws DatasetError on the first invalid field.
 */
export function parseReplayRow<Output>(schema: z.ZodType<Output>, row: JsonRow): Output {
  const result = schema.safeParse(row.value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === "unrecognized_keys") {
    const field = pathText([...issue.path, issue.keys[0] ?? ""]);
    throw new DatasetError(
      `${row.location}: field "${field}": unknown field (see the replay format's README)`,
      {
        file: row.file,
        line: row.line,
        field,
      },
    );
  }
  const field = pathText(issue.path) || "(the row)";
  throw new DatasetError(
    `${row.location}: field "${field}": expected ${issue.message}, got ${describeRowValue(valueAt(row.value, issue.path))}`,
    { file: row.file, line: row.line, field },
  );
}
