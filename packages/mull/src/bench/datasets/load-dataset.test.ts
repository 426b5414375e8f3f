import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { DatasetError } from "./dataset-error.ts";
import { defaultDataDir, describeDefaultDataDir } from "./default-data-dir.ts";
import { loadDataset } from "./load-dataset.ts";

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "mull-dataset-"));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

function write(name: string, lines: readonly unknown[]): string {
  const file = join(directory, name);
  writeFileSync(
    file,
    `${lines.map((line) => (typeof line === "string" ? line : JSON.stringify(line))).join("\n")}\n`,
  );
  return file;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("loadDataset: built-in formats", () => {
  it("reads GSM8K rows: gold after '#### ', ids by position", async () => {
    write("gsm8k-test.jsonl", [
      { question: "Q one?", answer: "work\n#### 18" },
      { question: "Q two?", answer: "more #### work\n####  1,000 " },
    ]);
    const dataset = await loadDataset("gsm8k", { dataDir: directory });
    expect(dataset.grader).toBe("numeric");
    expect(dataset.problems).toEqual([
      { id: "gsm8k-0", question: "Q one?", gold: "18" },
      { id: "gsm8k-1", question: "Q two?", gold: "1,000" },
    ]);
  });

  it("names file, line and field when a GSM8K solution has no '#### '", async () => {
    const file = write("gsm8k-test.jsonl", [
      { question: "a?", answer: "#### 1" },
      { question: "b?", answer: "no gold" },
    ]);
    const error = await rejection(loadDataset("gsm8k", { dataDir: directory }));
    expect(DatasetError.isInstance(error)).toBe(true);
    expect(error.message).toBe(
      `${file}:2: field "answer": expected a solution ending in "#### <answer>", got "no gold"`,
    );
  });

  it("reads MATH-500 rows with level and subject, and AIME rows with numeric ids", async () => {
    write("math500.jsonl", [
      {
        problem: "p",
        solution: "s",
        answer: "\\frac12",
        level: 3,
        subject: "Algebra",
        unique_id: "test/a/1.json",
      },
    ]);
    write("aime24.jsonl", [{ id: 60, problem: "p", solution: "s", answer: "025", url: "u" }]);
    const math = await loadDataset("math500", { dataDir: directory });
    expect(math.grader).toBe("math");
    expect(math.problems[0]).toEqual({
      id: "test/a/1.json",
      question: "p",
      gold: "\\frac12",
      metadata: { level: 3, difficulty: "3", subject: "Algebra" },
    });
    const aime = await loadDataset("aime24", { dataDir: directory });
    expect(aime.problems[0]).toEqual({ id: "60", question: "p", gold: "025" });
  });

  it("names each built-in dataset's prompt template: gsm8k's #### prompt, Qwen-Math's \\boxed{} for MATH and AIME", async () => {
    write("gsm8k-test.jsonl", [{ question: "Q one?", answer: "#### 18" }]);
    write("math500.jsonl", [{ problem: "p", answer: "1", unique_id: "a" }]);
    write("aime24.jsonl", [{ id: 1, problem: "p", answer: "2" }]);
    const gsm8k = await loadDataset("gsm8k", { dataDir: directory });
    expect(gsm8k.promptTemplateName).toBe("gsm8k");
    const asked = gsm8k.promptTemplate?.(gsm8k.problems[0]!);
    expect(asked?.kind).toBe("chat");
    expect(JSON.stringify(asked)).toContain("Q one?\\n\\nSolve the problem step by step.");
    for (const name of ["math500", "aime24"]) {
      const dataset = await loadDataset(name, { dataDir: directory });
      expect(dataset.promptTemplateName).toBe("qwen-math");
      expect(JSON.stringify(dataset.promptTemplate?.(dataset.problems[0]!))).toContain("\\\\boxed{}");
    }
    const custom = write("mine.jsonl", [{ id: "a", question: "q", answer: "1" }]);
    expect((await loadDataset(custom)).promptTemplate).toBeUndefined();
  });

  it("refuses field-mapping flags on fixed formats and unknown names", async () => {
    write("gsm8k-test.jsonl", [{ question: "a?", answer: "#### 1" }]);
    const misplaced = await rejection(loadDataset("gsm8k", { dataDir: directory, questionField: "q" }));
    expect(misplaced.message).toContain("--question-field applies to custom JSONL datasets only");
    const unknown = await rejection(loadDataset("gsm9k", { dataDir: directory }));
    expect(ConfigError.isInstance(unknown)).toBe(true);
    expect(unknown.message).toContain('unknown dataset "gsm9k"');
  });

  it("says where it looked, which files it expects and --data-dir when a built-in file is absent", async () => {
    const error = await rejection(loadDataset("math500", { dataDir: directory }));
    expect(DatasetError.isInstance(error)).toBe(true);
    expect(error.message).toBe(
      `dataset math500: no file math500.jsonl in ${directory}; the built-in datasets are files you download, ` +
        "named gsm8k-test.jsonl (gsm8k), math500.jsonl (math500), aime24.jsonl (aime24): --data-dir <dir> " +
        "picks the folder that holds them",
    );
  });

  it("reads a relative data directory from cwd, and by default ../shared/data/benchmarks under cwd", async () => {
    const project = join(directory, "project");
    const shared = join(directory, "shared/data/benchmarks");
    mkdirSync(project);
    mkdirSync(shared, { recursive: true });
    writeFileSync(
      join(shared, "gsm8k-test.jsonl"),
      `${JSON.stringify({ question: "a?", answer: "#### 7" })}\n`,
    );
    const relative = await loadDataset("gsm8k", { cwd: project, dataDir: "../shared/data/benchmarks" });
    const defaulted = await loadDataset("gsm8k", { cwd: project });
    expect([relative.source, defaulted.source]).toEqual([
      join(shared, "gsm8k-test.jsonl"),
      join(shared, "gsm8k-test.jsonl"),
    ]);
    expect(defaulted.problems).toEqual([{ id: "gsm8k-0", question: "a?", gold: "7" }]);
    // The default folder exists but lacks the file: the error says it was the default, and how it is chosen.
    const error = await rejection(loadDataset("aime24", { cwd: project }));
    expect(error.message).toBe(
      `dataset aime24: no file aime24.jsonl in ${shared} (the default: ${describeDefaultDataDir()}); the ` +
        "built-in datasets are files you download, named gsm8k-test.jsonl (gsm8k), math500.jsonl (math500), " +
        "aime24.jsonl (aime24): --data-dir <dir> picks the folder that holds them",
    );
  });
});

describe("loadDataset: custom JSONL", () => {
  it("maps fields, including dotted paths, and applies the limit after validating every row", async () => {
    const file = write("quiz.jsonl", [
      { meta: { key: "a" }, prompt: "2+2?", target: 4 },
      { meta: { key: "b" }, prompt: "3+3?", target: "6" },
      { meta: { key: "c" }, prompt: "4+4?", target: 8 },
    ]);
    const dataset = await loadDataset(file, {
      idField: "meta.key",
      questionField: "prompt",
      answerField: "target",
      limit: 2,
    });
    expect(dataset.source).toBe(file);
    expect(dataset.problems).toEqual([
      { id: "a", question: "2+2?", gold: "4" },
      { id: "b", question: "3+3?", gold: "6" },
    ]);
  });

  it("names the file, line and field of a missing answer", async () => {
    const file = write("quiz.jsonl", [
      { id: 1, question: "a", answer: "x" },
      { id: 2, question: "b" },
    ]);
    const error = (await rejection(loadDataset(file))) as DatasetError;
    expect(error.message).toBe(
      `${file}:2: field "answer": expected an answer (a non-empty string or a number), got nothing (the field is missing)`,
    );
    expect([error.line, error.field]).toEqual([2, "answer"]);
  });

  it("names a missing id with the mapped field name", async () => {
    const file = write("quiz.jsonl", [
      { key: "k1", question: "a", answer: "x" },
      { question: "b", answer: "y" },
    ]);
    const error = await rejection(loadDataset(file, { idField: "key" }));
    expect(error.message).toBe(
      `${file}:2: field "key": expected an id (a non-empty string or an integer), got nothing (the field is missing)`,
    );
  });

  it("names both lines of a duplicate id", async () => {
    const file = write("quiz.jsonl", [
      { id: "x", question: "a", answer: "1" },
      "",
      { id: "y", question: "b", answer: "2" },
      { id: "x", question: "c", answer: "3" },
    ]);
    const error = await rejection(loadDataset(file));
    expect(error.message).toBe(`${file}:4: field "id": duplicate id "x" (first seen at line 1)`);
  });

  it("refuses an empty question and an empty file", async () => {
    const file = write("quiz.jsonl", [{ id: "x", question: "  ", answer: "1" }]);
    expect((await rejection(loadDataset(file))).message).toBe(
      `${file}:1: field "question": expected a non-empty string, got "  "`,
    );
    const empty = join(directory, "empty.jsonl");
    writeFileSync(empty, "\n\n");
    expect((await rejection(loadDataset(empty))).message).toBe(`${empty}: the dataset has no rows`);
  });
});

describe("loadDataset: the shared benchmark files", () => {
  const present = existsSync(join(defaultDataDir(), "gsm8k-test.jsonl"));
  it.skipIf(!present)("loads gsm8k, math500 and aime24 in full from ../shared/data/benchmarks", async () => {
    const gsm8k = await loadDataset("gsm8k");
    const math = await loadDataset("math500");
    const aime = await loadDataset("aime24");
    expect([gsm8k.problems.length, math.problems.length, aime.problems.length]).toEqual([1319, 500, 30]);
    expect(gsm8k.problems[0]!.gold).toBe("18");
    expect(aime.problems.every((problem) => /^\d{3}$/.test(problem.gold) || /^\d+$/.test(problem.gold))).toBe(
      true,
    );
  });
  if (!present) it.skip(`shared benchmark data is absent from ${defaultDataDir()}`, () => {});
});

describe("loadDataset: the lab", () => {
  it("delegates lab:N to the lab generator with the limit and seed, graded numerically with the lab checker", async () => {
    const dataset = await loadDataset("lab:2", { limit: 5, seed: 3 });
    expect(dataset.problems).toHaveLength(5);
    expect(dataset.grader).toBe("numeric");
    expect(dataset.scorer?.name).toBe("lab-checker");
    expect(dataset.processReward?.name).toBe("lab-step-checker");
    expect(new Set(dataset.problems.map((problem) => problem.id)).size).toBe(5);
    const again = await loadDataset("lab:2", { limit: 5, seed: 3 });
    expect(again.problems).toEqual(dataset.problems);
    const other = await loadDataset("lab:2", { limit: 5, seed: 4 });
    expect(other.problems.map((problem) => problem.question)).not.toEqual(
      dataset.problems.map((problem) => problem.question),
    );
    for (const problem of dataset.problems) {
      const numbers = problem.question.match(/\d+|[+-]/g)!;
      let value = Number(numbers[0]);
      for (let index = 1; index < numbers.length; index += 2) {
        value =
          numbers[index] === "+" ? value + Number(numbers[index + 1]) : value - Number(numbers[index + 1]);
      }
      expect(problem.gold).toBe(String(value));
    }
    await expect(loadDataset("lab:9")).rejects.toThrow(/lab:1/);
  });
});

describe("loadDataset: a JSON dataset naming its prompt template", () => {
  const rows = [{ id: "a", question: "What is 6*7?", answer: "42" }];
  function dataset(name: string, promptTemplate: unknown): string {
    const file = join(directory, name);
    writeFileSync(file, JSON.stringify({ promptTemplate, problems: rows }));
    return file;
  }

  it("takes a built-in template by name, recorded by that name", async () => {
    const loaded = await loadDataset(dataset("boxed.json", "qwen-math"));
    expect(loaded.problems).toEqual([{ id: "a", question: "What is 6*7?", gold: "42" }]);
    expect(loaded.promptTemplateName).toBe("qwen-math");
    expect(loaded.promptTemplate?.(loaded.problems[0]!)).toEqual({
      kind: "chat",
      messages: [
        {
          role: "system",
          content: "Please reason step by step, and put your final answer within \\boxed{}.",
        },
        { role: "user", content: "What is 6*7?" },
      ],
    });
    // An array file and a JSONL file name none.
    const array = join(directory, "rows.json");
    writeFileSync(array, JSON.stringify(rows));
    expect((await loadDataset(array)).promptTemplate).toBeUndefined();
  });

  it("takes a template object, recorded with its contents so that an edited template changes the run", async () => {
    const template = {
      endpoint: "text",
      prompt: "Question: {question}\nAnswer:",
      examples: [{ question: "1+1?", answer: "2" }],
    };
    const loaded = await loadDataset(dataset("few-shot.json", template));
    expect(loaded.promptTemplate?.(loaded.problems[0]!)).toEqual({
      kind: "text",
      text: "Question: 1+1?\nAnswer: 2\n\nQuestion: What is 6*7?\nAnswer:",
    });
    expect(JSON.parse(loaded.promptTemplateName ?? "null")).toEqual({
      name: "inline",
      endpoint: "text",
      system: null,
      prompt: "Question: {question}\nAnswer:",
      examples: [["1+1?", "2"]],
    });
    const edited = await loadDataset(dataset("edited.json", { ...template, examples: [] }));
    expect(edited.promptTemplateName).not.toBe(loaded.promptTemplateName);
  });

  it("reads a template file relative to the dataset's folder", async () => {
    mkdirSync(join(directory, "prompts"));
    writeFileSync(
      join(directory, "prompts", "terse.json"),
      JSON.stringify({ endpoint: "chat", system: "Be terse.", prompt: "{question}" }),
    );
    const loaded = await loadDataset(dataset("terse.json", "prompts/terse.json"), { cwd: tmpdir() });
    expect(loaded.promptTemplate?.(loaded.problems[0]!)).toEqual({
      kind: "chat",
      messages: [
        { role: "system", content: "Be terse." },
        { role: "user", content: "What is 6*7?" },
      ],
    });
    expect(JSON.parse(loaded.promptTemplateName ?? "null")).toMatchObject({
      name: "file:prompts/terse.json",
      system: "Be terse.",
    });
  });

  it("names the dataset file, the field, the value and what was expected for a bad template", async () => {
    const number = dataset("number.json", 7);
    const notTemplate = await rejection(loadDataset(number));
    expect(DatasetError.isInstance(notTemplate)).toBe(true);
    expect(notTemplate.message).toBe(
      `${number}: field "promptTemplate": expected a built-in template name (default, lab, gsm8k, qwen-math), ` +
        "a template file's path or a template object, got 7",
    );
    expect((notTemplate as DatasetError).field).toBe("promptTemplate");

    const placeholder = dataset("placeholder.json", { endpoint: "chat", prompt: "Solve it." });
    const noQuestion = await rejection(loadDataset(placeholder));
    expect(DatasetError.isInstance(noQuestion)).toBe(true);
    expect(noQuestion.message).toBe(
      `${placeholder}: promptTemplate: prompt: must contain {question}, got "Solve it."`,
    );
    expect((noQuestion as DatasetError).field).toBe("promptTemplate.prompt");

    const missing = dataset("missing.json", "gsm9k");
    const unreadable = await rejection(loadDataset(missing));
    expect(DatasetError.isInstance(unreadable)).toBe(true);
    expect(unreadable.message).toContain(
      `${missing}: promptTemplate: "${join(directory, "gsm9k")}" is neither a built-in template (default, lab, gsm8k, qwen-math) nor a readable file`,
    );
  });
});
