import type { PromptTemplate } from "../spec/index.ts";

/**
 * The prompt used when neither the problem nor the run gives one: a chat message asking the model to
 * reason step by step and end with `#### <answer>` (the line the `auto` answer format reads first).
 *
 * @example
 * const prompt = defaultPromptTemplate({ question: "What is 17 × 3?" });
 */
export const defaultPromptTemplate: PromptTemplate = (problem) => ({
  kind: "chat",
  messages: [
    {
      role: "user",
      content:
        `${problem.question}\n\n` +
        "Reason step by step. Then write the final answer alone on the last line, in the form `#### <answer>`.",
    },
  ],
});
