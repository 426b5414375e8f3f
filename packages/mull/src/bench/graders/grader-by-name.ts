import { answerFormatByName } from "../../answers/index.ts";
import { checkOneOf } from "../../runtime/index.ts";
import { answerFormatGrader } from "./answer-format-grader.ts";
import type { Grader } from "./grader.ts";

/** The names `graderByName` accepts. */
export const graderNames = ["numeric", "math", "date", "choice", "exact", "text", "auto"] as const;

/** A built-in grader name. */
export type GraderName = (typeof graderNames)[number];

/**
 * A built-in grader: `numeric` (GSM8K, the lab), `math` (MATH-500, AIME: LaTeX-aware), `date`, `choice`
 * (multiple choice letters), `exact` (trimmed string equality), `text` (short free text: case, quotes,
 * punctuation and spacing ignored), `auto` (guesses the kind of answer; the default
 * for custom datasets).
 *
 * @throws ConfigError naming the value when the name is unknown.
 * @example
 * graderByName("math").grade("\\frac{1}{2}", "0.5");
 */
export function graderByName(name: string): Grader {
  const known = checkOneOf("--grader", "grader", name, graderNames, { noun: "grader" });
  return answerFormatGrader(answerFormatByName(known), known);
}
