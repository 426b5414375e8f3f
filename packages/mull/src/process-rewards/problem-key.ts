import type { Problem, Prompt } from "../spec/index.ts";

function promptText(prompt: Prompt): string {
  return prompt.kind === "text"
    ? prompt.text
    : prompt.messages.map((message) => `${message.role}\u0001${message.content}`).join("\u0002");
}

/** A string that identifies a problem for caches and seeded noise: its id, question and prompt. */
export function problemKey(problem: Problem): string {
  return [
    problem.id ?? "",
    problem.question,
    problem.prompt === undefined ? "" : promptText(problem.prompt),
  ].join("\u0000");
}
