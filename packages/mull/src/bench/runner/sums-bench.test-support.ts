import type { AnswerFormat, GenerationRequest, Rng } from "../../spec/index.ts";
import type { BenchDataset } from "../datasets/index.ts";
import { answerFormatGrader } from "../graders/index.ts";

/** Reads `#### <integer>` so bench tests do not depend on the answer formats' own rules. */
export const hashFormat: AnswerFormat = {
  name: "hash-integer",
  extract: (text) => /####\s*(-?\d+)/.exec(text)?.[1],
  key: (answer) => String(Number(answer)),
  equivalent: (a, b) => Number(a) === Number(b),
};

/** The grader of `hashFormat`. */
export const hashGrader = answerFormatGrader(hashFormat);

/** `count` problems `sum-i`: "What is i+3i?", gold 4i; `metadata` adds each problem's fields. */
export function sumsDataset(
  count: number,
  metadata?: (index: number) => Readonly<Record<string, unknown>>,
): BenchDataset {
  return {
    name: "sums",
    source: "memory",
    grader: "numeric",
    problems: Array.from({ length: count }, (_, index) => ({
      id: `sum-${index}`,
      question: `What is ${index}+${index * 3}?`,
      gold: String(index * 4),
      ...(metadata === undefined ? {} : { metadata: metadata(index) }),
    })),
  };
}

/** A request's prompt as text (a chat's message contents, one per line). */
export function promptText(request: GenerationRequest): string {
  const prompt = request.prompt;
  return prompt.kind === "text" ? prompt.text : prompt.messages.map((message) => message.content).join("\n");
}

/**
 * A scripted backend's answer to a sums question: right with probability 0.6 (always at temperature 0),
 * else one too many, from the call's seeded rng.
 */
export function respondToSum(request: GenerationRequest, _index: number, rng: Rng): string {
  const [, a, b] = /What is (\d+)\+(\d+)\?/.exec(promptText(request))!;
  const truth = Number(a) + Number(b);
  const answer = request.temperature === 0 || rng.next() < 0.6 ? truth : truth + 1;
  return `${a}+${b}=${answer}\n#### ${answer}`;
}
