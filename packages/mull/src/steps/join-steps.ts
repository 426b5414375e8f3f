import type { Prompt } from "../spec/index.ts";
import { defaultStepFormat, type StepFormat } from "./step-format.ts";

/**
 * The solution text of a list of steps, as the model would have written it after the prompt: for a text
 * prompt each step is preceded by the delimiter (the first by `format.leading`), for a chat prompt the
 * steps are joined by the delimiter. `splitSteps` reverses it.
 *
 * @example
 * joinSteps(["30+444=474", "474+273=747", "#### 747"], "text"); // "\n30+444=474\n474+273=747\n#### 747"
 */
export function joinSteps(
  steps: readonly string[],
  promptKind: Prompt["kind"],
  format: StepFormat = defaultStepFormat,
): string {
  if (promptKind === "chat") return steps.join(format.delimiter);
  return steps.map((step, index) => (index === 0 ? format.leading : format.delimiter) + step).join("");
}
