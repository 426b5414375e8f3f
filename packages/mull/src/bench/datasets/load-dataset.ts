import { existsSync } from "node:fs";
import { extname, isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { ConfigError } from "../../errors/index.ts";
import { labDataset, labOutcomeChecker, labProcessReward } from "../../lab/index.ts";
import { builtinPromptTemplate, describePromptTemplate } from "../../prompts/index.ts";
import type { BenchDataset } from "./bench-dataset.ts";
import { builtinDatasetFormats } from "./builtin-dataset-formats.ts";
import { DatasetError } from "./dataset-error.ts";
import { datasetPromptTemplate } from "./dataset-prompt-template.ts";
import { defaultDataDir, describeDefaultDataDir } from "./default-data-dir.ts";
import { problemsFromRows, type RowFormat } from "./problems-from-rows.ts";
import { readDatasetFile, readJsonRows } from "./read-json-rows.ts";
import { answerField, idField, textField } from "./row-fields.ts";

/** Where and how to load a dataset. */
export interface LoadDatasetOptions {
  /**
   * Directory of the built-in benchmark files (relative to `cwd`); default `../shared/data/benchmarks` under
   * `cwd` when it exists, else beside the project mull belongs to (see `defaultDataDir`).
   */
  readonly dataDir?: string | undefined;
  /** Keep only the first `limit` problems. */
  readonly limit?: number | undefined;
  /** Seed for generated datasets (the lab). */
  readonly seed?: number | undefined;
  /** Custom JSONL: the field (a dotted path) holding the question; default `question`. */
  readonly questionField?: string | undefined;
  /** Custom JSONL: the field holding the gold answer; default `answer`. */
  readonly answerField?: string | undefined;
  /** Custom JSONL: the field holding the problem id; default `id`. */
  readonly idField?: string | undefined;
  /** Largest JSONL line in bytes; default 1 MiB. */
  readonly maxLineBytes?: number | undefined;
  /** Base for relative paths; default the working directory. */
  readonly cwd?: string | undefined;
}

function customFormat(
  questionField: string,
  answerFieldName: string,
  idFieldName: string,
): RowFormat<"id" | "question" | "answer", { id: string; question: string; answer: string }> {
  return {
    fields: { id: idFieldName, question: questionField, answer: answerFieldName },
    schema: z.object({ id: idField, question: textField(), answer: answerField }),
    toProblem: (parsed) => ({ id: parsed.id, question: parsed.question, gold: parsed.answer }),
  };
}

function looksLikePath(spec: string): boolean {
  const extension = extname(spec).toLowerCase();
  return extension === ".jsonl" || extension === ".json" || spec.includes("/") || spec.includes("\\");
}

/**
 * Loads a benchmark dataset by name or path:
 * - `gsm8k`, `math500`, `aime24`: the files in the data directory, in their published formats;
 * - `lab:1` … `lab:6`, `lab:mixed`, `lab:hard`: the embedded lab's generated arithmetic tasks;
 * - a path to a `.jsonl` or `.json` file: custom rows with an id, a question and an answer field
 *   (renamed with `questionField`, `answerField`, `idField`). A `.json` file holds an array of rows, or
 *   an object `{ "promptTemplate": …, "problems": [rows…] }` naming the prompt template its questions are
 *   asked with unless the run chooses another (`--prompt-template` wins): a built-in name, a template
 *   file relative to the dataset, or a template object (see `datasetPromptTemplate`).
 *
 * @throws DatasetError naming the file, line and field for a malformed row, a duplicate or missing id, a
 *   missing answer or a bad `promptTemplate`, and for a built-in file absent from the data directory
 *   (naming the folder it looked in and the file names it expects); ConfigError for an unknown name or
 *   misplaced option.
 * @example
 * const dataset = await loadDataset("gsm8k", { limit: 50 });
 * const custom = await loadDataset("data/quiz.jsonl", { questionField: "prompt", answerField: "target" });
 * const boxed = await loadDataset("data/olympiad.json"); // { "promptTemplate": "qwen-math", "problems": [...] }
 */
export async function loadDataset(spec: string, options: LoadDatasetOptions = {}): Promise<BenchDataset> {
  const cwd = options.cwd ?? process.cwd();
  const fieldFlags = [
    ["--question-field", options.questionField],
    ["--answer-field", options.answerField],
    ["--id-field", options.idField],
  ] as const;
  // Field mappings mean something for custom files only; a generated or fixed format refuses them.
  const refuseFieldFlags = (reason: string): void => {
    const flag = fieldFlags.find(([, value]) => value !== undefined)?.[0];
    if (flag !== undefined) {
      throw new ConfigError(`${flag} applies to custom JSONL datasets only; ${spec} ${reason}`, {
        field: flag,
      });
    }
  };
  const builtin = builtinDatasetFormats.find((entry) => entry.name === spec);
  const limited = <T>(items: readonly T[]): readonly T[] =>
    options.limit === undefined ? items : items.slice(0, options.limit);

  if (spec.startsWith("lab:")) {
    refuseFieldFlags("is generated");
    return loadLabDataset(spec, options);
  }
  if (builtin !== undefined || !looksLikePath(spec)) {
    if (builtin === undefined) {
      throw new ConfigError(
        `--dataset: unknown dataset ${JSON.stringify(spec)}; expected ${builtinDatasetFormats
          .map((entry) => entry.name)
          .join(", ")}, lab:<level>, or a path to a .jsonl or .json file`,
        { field: "dataset" },
      );
    }
    refuseFieldFlags("has a fixed format");
    const dataDir = options.dataDir === undefined ? defaultDataDir(cwd) : resolve(cwd, options.dataDir);
    const file = resolve(dataDir, builtin.file);
    if (!existsSync(file)) {
      const where = options.dataDir === undefined ? ` (the default: ${describeDefaultDataDir()})` : "";
      const expected = builtinDatasetFormats.map((entry) => `${entry.file} (${entry.name})`).join(", ");
      throw new DatasetError(
        `dataset ${spec}: no file ${builtin.file} in ${dataDir}${where}; the built-in datasets are files ` +
          `you download, named ${expected}: --data-dir <dir> picks the folder that holds them`,
        { file },
      );
    }
    const rows = readJsonRows(file, { maxLineBytes: options.maxLineBytes });
    const template = builtinPromptTemplate(builtin.promptTemplate);
    return {
      name: spec,
      source: file,
      problems: limited(problemsFromRows(rows, builtin.format)),
      grader: builtin.grader,
      ...(template === undefined
        ? {}
        : { promptTemplate: template.render, promptTemplateName: template.name }),
    };
  }
  const file = isAbsolute(spec) ? spec : resolve(cwd, spec);
  const { rows, promptTemplate } = readDatasetFile(file, { maxLineBytes: options.maxLineBytes });
  if (rows.length === 0) throw new DatasetError(`${file}: the dataset has no rows`, { file });
  const format = customFormat(
    options.questionField ?? "question",
    options.answerField ?? "answer",
    options.idField ?? "id",
  );
  const problems = limited(problemsFromRows(rows, format));
  const named = promptTemplate === undefined ? undefined : await datasetPromptTemplate(promptTemplate, file);
  return {
    name: spec,
    source: file,
    problems,
    grader: "auto",
    ...(named === undefined
      ? {}
      : {
          promptTemplate: named.render,
          // A built-in's name; else the template itself, so a resumed run notices an edited template.
          promptTemplateName:
            builtinPromptTemplate(named.name) === undefined ? describePromptTemplate(named) : named.name,
        }),
  };
}

function loadLabDataset(spec: string, options: LoadDatasetOptions): BenchDataset {
  const problems = labDataset(spec, { limit: options.limit, seed: options.seed }).map((problem, index) => {
    if (problem.id === undefined || problem.gold === undefined) {
      throw new DatasetError(`${spec}: generated problem ${index} has no id or gold answer`, { file: "lab" });
    }
    return { ...problem, id: problem.id, gold: problem.gold };
  });
  return {
    name: spec,
    source: "lab",
    problems,
    grader: "numeric",
    scorer: labOutcomeChecker(),
    processReward: labProcessReward(),
  };
}
