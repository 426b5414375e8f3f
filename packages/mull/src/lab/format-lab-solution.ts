import { type LabChain, labChainValues } from "./lab-chain.ts";
import { type LabSolutionPath, labPathSteps } from "./lab-solution-paths.ts";

/**
 * The question of a chain as a person reads it: `30+444+273=?`.
 *
 * @example
 * formatLabQuestion({ operands: [37, 48, 19], operators: ["+", "-"] }); // "37+48-19=?"
 */
export function formatLabQuestion(chain: LabChain): string {
  let text = String(chain.operands[0] ?? "");
  chain.operators.forEach((operator, index) => {
    text += `${operator}${chain.operands[index + 1] ?? ""}`;
  });
  return `${text}=?`;
}

/**
 * The exact text prompt the lab models were trained on: `Q: 30+444+273=? A:`.
 *
 * @example
 * formatLabPrompt({ operands: [30, 444, 273], operators: ["+", "+"] }); // "Q: 30+444+273=? A:"
 */
export function formatLabPrompt(chain: LabChain): string {
  return `Q: ${formatLabQuestion(chain)} A:`;
}

/**
 * The correct steps of a chain, one line each without newlines: `["30+444=474", "474+273=747"]`; left to
 * right unless another `path` is named.
 *
 * @example
 * formatLabSteps({ operands: [30, 444, 273], operators: ["+", "+"] }); // ["30+444=474", "474+273=747"]
 */
export function formatLabSteps(chain: LabChain, path: LabSolutionPath = "left-to-right"): string[] {
  return labPathSteps(chain, path);
}

/**
 * The gold completion exactly as the models were trained to write it after the prompt: a newline, one step
 * per line, then `#### <answer>` (the models then emit end-of-sequence). Left to right unless another
 * `path` is named.
 *
 * @example
 * formatLabSolution({ operands: [30, 444, 273], operators: ["+", "+"] });
 * // "\n30+444=474\n474+273=747\n#### 747"
 * formatLabSolution({ operands: [30, 444, 273, 12], operators: ["+", "-", "+"] }, "grouped");
 * // "\n30+444=474\n474+12=486\n486-273=213\n#### 213"
 */
export function formatLabSolution(chain: LabChain, path: LabSolutionPath = "left-to-right"): string {
  const values = labChainValues(chain);
  const steps = formatLabSteps(chain, path);
  return `\n${steps.join("\n")}\n#### ${values[values.length - 1]}`;
}
