import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DatasetError } from "./dataset-error.ts";
import { readDatasetFile, readJsonRows } from "./read-json-rows.ts";

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "mull-rows-"));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const file = join(directory, name);
  writeFileSync(file, content);
  return file;
}

function thrown(run: () => unknown): DatasetError {
  try {
    run();
  } catch (error) {
    if (DatasetError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a DatasetError");
}

describe("readJsonRows", () => {
  it("reads JSONL rows with their line numbers, skipping blank lines, a BOM and CRLF endings", () => {
    const file = write("rows.jsonl", '\uFEFF{"a":1}\r\n\n  \n{"a":2}\n{"a":3}');
    const rows = readJsonRows(file);
    expect(rows.map((row) => [row.line, row.value.a])).toEqual([
      [1, 1],
      [4, 2],
      [5, 3],
    ]);
    expect(rows[1]!.location).toBe(`${file}:4`);
  });

  it("names the file and line of a malformed row", () => {
    const file = write("bad.jsonl", '{"a":1}\n{"a":2}\n{"a":\n');
    const error = thrown(() => readJsonRows(file));
    expect(error.message).toContain(`${file}:3: not valid JSON`);
    expect(error.line).toBe(3);
    expect(error.file).toBe(file);
  });

  it("refuses rows that are not objects", () => {
    const file = write("array.jsonl", '{"a":1}\n[1,2]\n');
    expect(thrown(() => readJsonRows(file)).message).toBe(`${file}:2: expected a JSON object, got an array`);
  });

  it("caps the line size before buffering the whole line, across read chunks", () => {
    const long = `{"a":"${"x".repeat(200_000)}"}`;
    const file = write("long.jsonl", `{"a":1}\n${long}\n`);
    const error = thrown(() => readJsonRows(file, { maxLineBytes: 100_000 }));
    expect(error.message).toContain(`${file}:2: line longer than the cap of 100000 bytes`);
    expect(readJsonRows(file, { maxLineBytes: 300_000 })).toHaveLength(2);
  });

  it("refuses invalid UTF-8 with the line", () => {
    const file = write(
      "latin1.jsonl",
      Buffer.concat([Buffer.from('{"a":1}\n{"a":"'), Buffer.from([0xff]), Buffer.from('"}\n')]),
    );
    expect(thrown(() => readJsonRows(file)).message).toBe(`${file}:2: not valid UTF-8`);
  });

  it("reads a JSON array file and names rows by position", () => {
    const file = write("rows.json", '[{"a":1},{"a":2}]');
    expect(readJsonRows(file).map((row) => row.value.a)).toEqual([1, 2]);
    const bad = write("bad.json", '[{"a":1}, 7]');
    expect(thrown(() => readJsonRows(bad)).message).toBe(
      `${bad} row 2: expected a JSON object, got a number`,
    );
    const notArray = write("number.json", "7");
    expect(thrown(() => readJsonRows(notArray)).message).toBe(
      `${notArray}: expected a JSON array of rows or an object with "problems", got a number`,
    );
  });

  it("reads a JSON object's problems and its prompt template, refusing other fields", () => {
    const file = write("quiz.json", '{"promptTemplate":"gsm8k","problems":[{"a":1},{"a":2}]}');
    const read = readDatasetFile(file);
    expect(read.rows.map((row) => [row.location, row.value.a])).toEqual([
      [`${file} row 1`, 1],
      [`${file} row 2`, 2],
    ]);
    expect(read.promptTemplate).toBe("gsm8k");
    expect(readJsonRows(file)).toHaveLength(2);
    expect(readDatasetFile(write("plain.json", '{"problems":[]}')).promptTemplate).toBeUndefined();
    expect(readDatasetFile(write("rows.jsonl", '{"a":1}\n')).promptTemplate).toBeUndefined();
    const stray = write("stray.json", '{"problems":[],"prompt_template":"gsm8k"}');
    const strayError = thrown(() => readDatasetFile(stray));
    expect(strayError.message).toBe(
      `${stray}: field "prompt_template": not a dataset field; expected "problems" (the rows) and optionally "promptTemplate"`,
    );
    expect(strayError.field).toBe("prompt_template");
    const noRows = write("no-rows.json", '{"promptTemplate":"gsm8k"}');
    expect(thrown(() => readDatasetFile(noRows)).message).toBe(
      `${noRows}: field "problems": expected an array of row objects, got nothing`,
    );
    const rowsNotArray = write("rows-object.json", '{"problems":{"a":1}}');
    expect(thrown(() => readDatasetFile(rowsNotArray)).message).toBe(
      `${rowsNotArray}: field "problems": expected an array of row objects, got an object`,
    );
  });

  it("keeps __proto__ keys as plain data", () => {
    const file = write("proto.jsonl", '{"__proto__":{"polluted":true},"a":1}\n');
    const [row] = readJsonRows(file);
    expect(Object.hasOwn(row!.value, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("says when the file does not exist", () => {
    const missing = join(directory, "missing.jsonl");
    expect(thrown(() => readJsonRows(missing)).message).toBe(
      `${missing}: cannot read the dataset (no such file)`,
    );
  });
});
