import { z } from "zod";
import type { GraderName } from "../graders/index.ts";
import type { RowFormat } from "./problems-from-rows.ts";
import { answerField, idField, textField } from "./row-fields.ts";

/** A dataset shipped in a known format under the data directory. */
export interface BuiltinDatasetFormat {
  readonly name: string;
  /** File name inside the data directory. */
  readonly file: string;
  readonly grader: GraderName;
  /** The built-in prompt template (`builtinPromptTemplate`) its questions are asked with by default. */
  readonly promptTemplate: string;
  // biome-ignore lint/suspicious/noExplicitAny: each format has its own parsed shape.
  readonly format: RowFormat<string, any>;
}

const goldMarker = "####";

const gsm8kFormat: RowFormat<"question" | "solution", { question: string; solution: string }> = {
  fields: { question: "question", solution: "answer" },
  schema: z.object({
    question: textField(),
    solution: z
      .string({ error: 'a solution ending in "#### <answer>"' })
      .regex(/####[ \t]*\S/, { error: 'a solution ending in "#### <answer>"' }),
  }),
  toProblem: (parsed, _row, index) => ({
    id: `gsm8k-${index}`,
    question: parsed.question,
    gold: parsed.solution.slice(parsed.solution.lastIndexOf(goldMarker) + goldMarker.length).trim(),
  }),
};

const math500Format: RowFormat<
  "id" | "question" | "answer" | "level" | "subject",
  { id: string; question: string; answer: string; level?: number | undefined; subject?: string | undefined }
> = {
  fields: { id: "unique_id", question: "problem", answer: "answer", level: "level", subject: "subject" },
  schema: z.object({
    id: idField,
    question: textField(),
    answer: answerField,
    level: z.number({ error: "an integer level" }).int({ error: "an integer level" }).optional(),
    subject: z.string({ error: "a string" }).optional(),
  }),
  toProblem: (parsed) => ({
    id: parsed.id,
    question: parsed.question,
    gold: parsed.answer,
    metadata: {
      ...(parsed.level === undefined ? {} : { level: parsed.level, difficulty: String(parsed.level) }),
      ...(parsed.subject === undefined ? {} : { subject: parsed.subject }),
    },
  }),
};

const aimeFormat: RowFormat<"id" | "question" | "answer", { id: string; question: string; answer: string }> =
  {
    fields: { id: "id", question: "problem", answer: "answer" },
    schema: z.object({ id: idField, question: textField(), answer: answerField }),
    toProblem: (parsed) => ({ id: parsed.id, question: parsed.question, gold: parsed.answer }),
  };

/** The built-in benchmark datasets, as they are in `../shared/data/benchmarks`. */
export const builtinDatasetFormats: readonly BuiltinDatasetFormat[] = [
  {
    name: "gsm8k",
    file: "gsm8k-test.jsonl",
    grader: "numeric",
    promptTemplate: "gsm8k",
    format: gsm8kFormat,
  },
  {
    name: "math500",
    file: "math500.jsonl",
    grader: "math",
    promptTemplate: "qwen-math",
    format: math500Format,
  },
  {
    name: "aime24",
    file: "aime24.jsonl",
    grader: "math",
    promptTemplate: "qwen-math",
    format: aimeFormat,
  },
];
