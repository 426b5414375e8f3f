import type { z } from "zod";
import type { BenchProblem } from "./bench-dataset.ts";
import { DatasetError } from "./dataset-error.ts";
import { describeRowValue } from "./describe-row-value.ts";
import type { JsonRow } from "./read-json-rows.ts";

/** Which source field (a dotted path into the row) feeds each canonical field. */
export type FieldMap<Keys extends string> = Readonly<Record<Keys, string>>;

/** How the rows of one dataset format become problems. */
export interface RowFormat<Keys extends string, Parsed> {
  readonly fields: FieldMap<Keys>;
  /** Validates the picked fields; each field's error text says what was expected (`a non-empty string`). */
  readonly schema: z.ZodType<Parsed>;
  /** Builds the problem; `index` is the 0-based position of the row among the file's rows. */
  toProblem(parsed: Parsed, row: JsonRow, index: number): BenchProblem;
}

function valueAt(row: Readonly<Record<string, unknown>>, path: string): unknown {
  let current: unknown = row;
  for (const part of path.split(".")) {
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/**
 * Validates rows with a format's schema and turns them into problems, refusing missing fields, bad
 * values and duplicate ids with errors that name the file, the line and the field.
 */
export function problemsFromRows<Keys extends string, Parsed>(
  rows: readonly JsonRow[],
  format: RowFormat<Keys, Parsed>,
): BenchProblem[] {
  const firstLineById = new Map<string, number>();
  const entries = Object.entries(format.fields) as [Keys, string][];
  return rows.map((row, index) => {
    const picked: Record<string, unknown> = {};
    for (const [key, path] of entries) picked[key] = valueAt(row.value, path);
    const result = format.schema.safeParse(picked);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const key = String(issue.path[0] ?? "");
      const field = format.fields[key as Keys] ?? key;
      throw new DatasetError(
        `${row.location}: field "${field}": expected ${issue.message}, got ${describeRowValue(picked[key])}`,
        { file: row.file, line: row.line, field },
      );
    }
    const problem = format.toProblem(result.data, row, index);
    const firstLine = firstLineById.get(problem.id);
    if (firstLine !== undefined) {
      const field = (format.fields as Record<string, string>).id ?? "id";
      throw new DatasetError(
        `${row.location}: field "${field}": duplicate id ${JSON.stringify(problem.id)} (first seen at line ${firstLine})`,
        { file: row.file, line: row.line, field },
      );
    }
    firstLineById.set(problem.id, row.line);
    return problem;
  });
}
