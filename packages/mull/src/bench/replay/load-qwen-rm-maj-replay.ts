import { z } from "zod";
import { DatasetError, readJsonRows } from "../datasets/index.ts";
import { parseReplayRow } from "./parse-replay-row.ts";
import type { ReplayDataset, ReplayProblem } from "./replay-dataset.ts";
import { replayGoldSchema, replayIdSchema } from "./replay-line-schema.ts";

/** One line of a `qwen-rm-maj` file: a problem with its answers, their correctness and rewards. */
export const qwenRowSchema = z
  .object({
    idx: replayIdSchema,
    gt: replayGoldSchema,
    level: z.string({ error: "a string" }).optional(),
    pred: z
      .array(z.string({ error: "a string" }), { error: "an array of answers" })
      .min(1, { error: "at least one answer" }),
    score: z.array(z.boolean({ error: "true or false" }), { error: "an array of booleans" }),
    pred_score: z.array(
      z
        .array(z.number({ error: "a number" }), { error: "an array of numbers" })
        .min(1, { error: "at least one score" }),
      { error: "an array of score arrays" },
    ),
    response: z.array(z.string({ error: "a string" }), { error: "an array of texts" }).optional(),
  })
  .refine((row) => row.score.length === row.pred.length, {
    error: "as many correctness flags as answers",
    path: ["score"],
  })
  .refine((row) => row.pred_score.length === row.pred.length, {
    error: "as many reward scores as answers",
    path: ["pred_score"],
  })
  .refine((row) => row.response === undefined || row.response.length === row.pred.length, {
    error: "as many responses as answers",
    path: ["response"],
  });

/**
 * Reads the Qwen2.5-Math reward-model/majority example (`qwen25-math-rm-maj-example.jsonl`): per line
 * `idx`, `gt` (gold), `pred[n]` extracted answers, `score[n]` recorded correctness, `pred_score[n]`
 * reward-model scores (one-element arrays; the last element is used), `response[n]` texts, `level`.
 * A sample's correctness is its recorded `score` flag, as in Qwen's own evaluation; rewards are raw
 * reward-model logits. The default answer format, `math`, groups answers for voting.
 *
 * @throws DatasetError naming the file, line and field of an invalid row.
 * @example
 * const dataset = loadQwenRmMajReplay("qwen25-math-rm-maj-example.jsonl");
 */
export function loadQwenRmMajReplay(file: string): ReplayDataset {
  const seen = new Set<string>();
  const problems = readJsonRows(file).map((row): ReplayProblem => {
    const parsed = parseReplayRow(qwenRowSchema, row);
    const id = String(parsed.idx);
    if (seen.has(id)) {
      throw new DatasetError(`${row.location}: field "idx": duplicate id ${JSON.stringify(id)}`, {
        file: row.file,
        line: row.line,
        field: "idx",
      });
    }
    seen.add(id);
    return {
      id,
      gold: String(parsed.gt),
      difficulty: parsed.level,
      samples: parsed.pred.map((answer, index) => ({
        text: parsed.response?.[index],
        answer,
        correct: parsed.score[index],
        reward: parsed.pred_score[index]?.at(-1),
      })),
      location: row.location,
    };
  });
  if (problems.length === 0) throw new DatasetError(`${file}: no problems in the file`, { file });
  return { format: "qwen-rm-maj", problems, answerFormat: "math", rewardScale: "logit" };
}
