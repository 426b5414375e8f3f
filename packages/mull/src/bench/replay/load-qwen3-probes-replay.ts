import { z } from "zod";
import { readJsonRows } from "../datasets/index.ts";
import { parseReplayRow } from "./parse-replay-row.ts";
import type { ReplayDataset } from "./replay-dataset.ts";
import { replayGoldSchema, replayIdSchema } from "./replay-line-schema.ts";
import { replayProblemsFromRows } from "./replay-problems-from-rows.ts";

/** Tokens between two probes of the Qwen3 traces: `probes[i]` is the answer after (i + 1) × 500 tokens. */
const probeInterval = 500;

const answerValue = z.union([z.string(), z.null()], { error: "a string or null (no answer)" });

/** One line of a `qwen3-probes` file: a problem with its traces and their probe answers. */
export const qwen3LineSchema = z.object({
  id: replayIdSchema,
  gold: replayGoldSchema,
  samples: z
    .array(
      z.strictObject(
        {
          answer: answerValue,
          tokens: z
            .number({ error: "a number" })
            .int({ error: "an integer" })
            .nonnegative({ error: "a count >= 0" }),
          probes: z.array(answerValue, { error: "an array of answers" }),
        },
        { error: (issue) => (issue.code === "unrecognized_keys" ? undefined : "an object") },
      ),
      { error: "an array of samples" },
    )
    .min(1, { error: "at least one sample" }),
});

/**
 * Reads the Qwen3-1.7B reasoning traces with probe answers (`qwen3-1.7b-{aime24,aime25,hmmt25}-128.jsonl`):
 * per line `id`, `question`, `gold` and `samples[n]` of `{ answer, tokens, probes }`, where `answer` is
 * the trace's final answer (`null`: none), `tokens` its generated tokens, and `probes[i]` the answer the
 * model gave when forced to answer after (i + 1) × 500 tokens. Samples keep their tokens; probes become
 * intermediate answers with a probe interval of 500. The default answer format, `exact`, groups and
 * grades answers as the strings they are, which reproduces the published figures (on these files it
 * agrees with comparing them as numbers); `math` also merges equivalent LaTeX forms.
 *
 * @throws DatasetError naming the file, line, field and value of the first invalid row.
 * @example
 * const dataset = loadQwen3ProbesReplay("qwen3-1.7b-aime24-128.jsonl");
 * dataset.problems[0]?.probeInterval; // 500
 */
export function loadQwen3ProbesReplay(file: string): ReplayDataset {
  const problems = replayProblemsFromRows(file, readJsonRows(file), (row) => {
    const line = parseReplayRow(qwen3LineSchema, row);
    return {
      id: line.id,
      gold: line.gold,
      probeInterval,
      samples: line.samples.map((sample) => ({
        answer: sample.answer,
        tokens: sample.tokens,
        intermediateAnswers: sample.probes,
      })),
    };
  });
  return { format: "qwen3-probes", problems, answerFormat: "exact", rewardScale: "probability" };
}
