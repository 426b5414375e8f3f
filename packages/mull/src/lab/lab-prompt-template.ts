import type { Prompt, PromptTemplate } from "../spec/index.ts";
import { formatLabPrompt } from "./format-lab-solution.ts";
import { parseLabQuestion } from "./parse-lab-question.ts";

/**
 * Renders a lab question (`37+48-19=?`, `37+48-19`, `37 + 48 − 19`) as the exact text prompt the lab
 * models were trained on, `Q: 37+48-19=? A:`. Numbers are written without spaces or leading zeros.
 *
 * @throws ConfigError (field `question`) when the question is not a lab chain.
 * @example
 * labPromptTemplate({ question: "12+7-3" }); // { kind: "text", text: "Q: 12+7-3=? A:" }
 */
export const labPromptTemplate: PromptTemplate = (problem): Prompt => ({
  kind: "text",
  text: formatLabPrompt(parseLabQuestion(problem.question)),
});
