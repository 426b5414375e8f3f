import type { Problem } from "../spec/index.ts";

/**
 * Qwen2.5-Math-PRM's input text: its chat template (the recommended system prompt, the question) with the
 * steps as the assistant's reply, the step tag after each step. The default render of `httpProcessReward`.
 *
 * @example
 * qwenMathPrmInput({ question: "1+1?" }, ["1+1=2", "#### 2"], "<extra_0>");
 */
export function qwenMathPrmInput(problem: Problem, steps: readonly string[], stepTag: string): string {
  return (
    "<|im_start|>system\nPlease reason step by step, and put your final answer within \\boxed{}.<|im_end|>\n" +
    `<|im_start|>user\n${problem.question}<|im_end|>\n` +
    `<|im_start|>assistant\n${steps.map((step) => step + stepTag).join("")}<|im_end|><|endoftext|>`
  );
}
