import { z } from "zod";

/** A non-empty string field (trimmed). */
export function textField(what = "a non-empty string") {
  return z.string({ error: what }).trim().min(1, { error: what });
}

/** An answer: a non-empty string or a number, kept as text. */
export const answerField = z
  .union([z.string(), z.number()], { error: "an answer (a non-empty string or a number)" })
  .transform((value) => String(value).trim())
  .pipe(z.string().min(1, { error: "an answer (a non-empty string or a number)" }));

/** An id: a non-empty string or an integer, kept as text. */
export const idField = z
  .union([z.string(), z.number().int()], { error: "an id (a non-empty string or an integer)" })
  .transform((value) => String(value).trim())
  .pipe(z.string().min(1, { error: "an id (a non-empty string or an integer)" }));
