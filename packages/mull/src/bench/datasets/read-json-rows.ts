import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { extname } from "node:path";
import { DatasetError } from "./dataset-error.ts";

/** One row of a dataset file, with where it came from. */
export interface JsonRow {
  readonly file: string;
  /** 1-based line in a JSONL file, or 1-based position in a JSON array. */
  readonly line: number;
  /** `file:line` for JSONL, `file row N` for a JSON array; used in error messages. */
  readonly location: string;
  /** The parsed row: always a plain JSON object. */
  readonly value: Readonly<Record<string, unknown>>;
}

/** Size caps for reading a dataset file. */
export interface ReadJsonRowsOptions {
  /** Largest JSONL line, in bytes; default 1 MiB. */
  readonly maxLineBytes?: number | undefined;
  /** Largest `.json` file, in bytes (a JSON array is parsed whole); default 64 MiB. */
  readonly maxFileBytes?: number | undefined;
}

/** The default cap on one JSONL line. */
export const defaultMaxLineBytes = 1024 * 1024;
const defaultMaxFileBytes = 64 * 1024 * 1024;
const chunkBytes = 64 * 1024;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeJsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function parseRow(text: string, file: string, line: number, location: string): JsonRow {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatasetError(`${location}: not valid JSON (${reason})`, { file, line, cause: error });
  }
  if (!isPlainObject(value)) {
    throw new DatasetError(`${location}: expected a JSON object, got ${describeJsonType(value)}`, {
      file,
      line,
    });
  }
  return { file, line, location, value };
}

function readJsonLines(file: string, maxLineBytes: number): JsonRow[] {
  const rows: JsonRow[] = [];
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const chunk = Buffer.allocUnsafe(chunkBytes);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 1;
  const finishLine = (): void => {
    const bytes = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    const location = `${file}:${line}`;
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch (error) {
      throw new DatasetError(`${location}: not valid UTF-8`, { file, line, cause: error });
    }
    if (line === 1 && text.startsWith("\uFEFF")) text = text.slice(1);
    if (text.endsWith("\r")) text = text.slice(0, -1);
    if (text.trim() !== "") rows.push(parseRow(text, file, line, location));
    line += 1;
  };
  const append = (piece: Buffer): void => {
    if (piece.length === 0) return;
    pendingBytes += piece.length;
    if (pendingBytes > maxLineBytes) {
      throw new DatasetError(
        `${file}:${line}: line longer than the cap of ${maxLineBytes} bytes (raise it with --max-line-bytes)`,
        { file, line },
      );
    }
    pending.push(Buffer.from(piece));
  };
  const descriptor = openSync(file, "r");
  try {
    for (;;) {
      const bytesRead = readSync(descriptor, chunk, 0, chunkBytes, null);
      if (bytesRead === 0) break;
      const view = chunk.subarray(0, bytesRead);
      let start = 0;
      for (;;) {
        const newline = view.indexOf(10, start);
        if (newline === -1) {
          append(view.subarray(start));
          break;
        }
        append(view.subarray(start, newline));
        finishLine();
        start = newline + 1;
      }
    }
    if (pendingBytes > 0) finishLine();
  } finally {
    closeSync(descriptor);
  }
  return rows;
}

function readJsonDocument(file: string, maxFileBytes: number): unknown {
  const descriptor = openSync(file, "r");
  let text: string;
  try {
    const size = fstatSync(descriptor).size;
    if (size > maxFileBytes) {
      throw new DatasetError(
        `${file}: ${size} bytes, over the cap of ${maxFileBytes} bytes for a JSON file`,
        {
          file,
        },
      );
    }
    const bytes = Buffer.alloc(size);
    let offset = 0;
    while (offset < size) {
      const bytesRead = readSync(descriptor, bytes, offset, size - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, offset));
    } catch (error) {
      throw new DatasetError(`${file}: not valid UTF-8`, { file, cause: error });
    }
  } finally {
    closeSync(descriptor);
  }
  try {
    return JSON.parse(text.startsWith("\uFEFF") ? text.slice(1) : text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatasetError(`${file}: not valid JSON (${reason})`, { file, cause: error });
  }
}

function rowsOfArray(file: string, value: readonly unknown[]): JsonRow[] {
  return value.map((element: unknown, index) => {
    const line = index + 1;
    const location = `${file} row ${line}`;
    if (!isPlainObject(element)) {
      throw new DatasetError(`${location}: expected a JSON object, got ${describeJsonType(element)}`, {
        file,
        line,
      });
    }
    return { file, line, location, value: element };
  });
}

/** The keys of a `.json` dataset written as an object. */
const documentKeys = ["problems", "promptTemplate"] as const;

function readJsonFile(file: string, maxFileBytes: number): DatasetFile {
  const value = readJsonDocument(file, maxFileBytes);
  if (Array.isArray(value)) return { rows: rowsOfArray(file, value), promptTemplate: undefined };
  if (!isPlainObject(value)) {
    throw new DatasetError(
      `${file}: expected a JSON array of rows or an object with "problems", got ${describeJsonType(value)}`,
      { file },
    );
  }
  const unknown = Object.keys(value).find((key) => !(documentKeys as readonly string[]).includes(key));
  if (unknown !== undefined) {
    throw new DatasetError(
      `${file}: field ${JSON.stringify(unknown)}: not a dataset field; expected "problems" (the rows) and optionally "promptTemplate"`,
      { file, field: unknown },
    );
  }
  const problems = value.problems;
  if (!Array.isArray(problems)) {
    throw new DatasetError(
      `${file}: field "problems": expected an array of row objects, got ${problems === undefined ? "nothing" : describeJsonType(problems)}`,
      { file, field: "problems" },
    );
  }
  return { rows: rowsOfArray(file, problems), promptTemplate: value.promptTemplate };
}

/** A dataset file's rows, and what else the file says about them. */
export interface DatasetFile {
  readonly rows: JsonRow[];
  /**
   * The file's `promptTemplate` as written (a `.json` object's; JSONL files have none), unchecked:
   * `undefined` when absent.
   */
  readonly promptTemplate: unknown;
}

/**
 * Reads a dataset file: JSONL (one JSON object per line; blank lines skipped), or a `.json` file holding
 * either an array of row objects or an object `{ "problems": [rows…], "promptTemplate": … }` whose
 * `promptTemplate` names the template its questions are asked with by default. Only JSON is parsed:
 * nothing in a dataset is ever executed.
 *
 * @throws DatasetError naming the file and line (or field) for unreadable, oversized, non-UTF-8 or
 *   non-object rows, and for an object with other fields than `problems` and `promptTemplate`.
 * @example
 * const { rows, promptTemplate } = readDatasetFile("data/quiz.json");
 */
export function readDatasetFile(file: string, options: ReadJsonRowsOptions = {}): DatasetFile {
  const maxLineBytes = options.maxLineBytes ?? defaultMaxLineBytes;
  const maxFileBytes = options.maxFileBytes ?? defaultMaxFileBytes;
  try {
    return extname(file).toLowerCase() === ".json"
      ? readJsonFile(file, maxFileBytes)
      : { rows: readJsonLines(file, maxLineBytes), promptTemplate: undefined };
  } catch (error) {
    if (DatasetError.isInstance(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT" ? "no such file" : error instanceof Error ? error.message : String(error);
    throw new DatasetError(`${file}: cannot read the dataset (${reason})`, { file, cause: error });
  }
}

/**
 * Reads the rows of a dataset file as `readDatasetFile` does (JSONL, a JSON array, or a JSON object's
 * `problems`), without the rest.
 *
 * @throws DatasetError naming the file and line for unreadable, oversized, non-UTF-8 or non-object rows.
 * @example
 * for (const row of readJsonRows("data/gsm8k-test.jsonl")) console.log(row.location, row.value.question);
 */
export function readJsonRows(file: string, options: ReadJsonRowsOptions = {}): JsonRow[] {
  return readDatasetFile(file, options).rows;
}
