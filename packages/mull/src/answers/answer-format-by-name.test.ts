import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { answerFormatByName, answerFormatNames } from "./answer-format-by-name.ts";

const sharedData = path.resolve(import.meta.dirname, "../../../../../shared/data");

/** Answers of many shapes, from the unit cases and, when present, the recorded data. */
function answerPool(): string[] {
  const pool = [
    "1,000",
    "1000",
    "1000.0",
    "$1,000",
    "-0",
    "0",
    "3/4",
    "0.75",
    "\\frac{3}{4}",
    "\\dfrac34",
    "50%",
    "50",
    "5/1/2021",
    "05/01/2021",
    "2021-05-01",
    "(B)",
    "b",
    "Answer: B",
    "C",
    "x = 5",
    "5",
    "5.",
    "\\sqrt{2}",
    "\\sqrt2",
    "1.41421356237",
    "(1, 2)",
    "(2, 1)",
    "[1,2)",
    "3, 5, 7",
    "7,5,3",
    "\\text{Evelyn}",
    "Evelyn",
    "90^\\circ",
    "90",
    "\\infty",
    "x^2+1",
    "x^{2} + 1",
    " Paris ",
    "Paris",
    "paris",
  ];
  if (existsSync(sharedData)) {
    const math = readFileSync(path.join(sharedData, "benchmarks/math500.jsonl"), "utf8").split("\n");
    for (const line of math.filter((text) => text.trim() !== "").slice(0, 60)) {
      pool.push((JSON.parse(line) as { answer: string }).answer);
    }
  }
  return pool;
}

describe("answerFormatByName", () => {
  it("returns each named format", () => {
    for (const name of answerFormatNames) expect(answerFormatByName(name).name).toBe(name);
    expect(answerFormatNames).toEqual(["auto", "numeric", "math", "date", "choice", "exact", "text"]);
  });

  it("rejects an unknown name with a ConfigError naming the value and the valid names", () => {
    expect(() => answerFormatByName("maths")).toThrowError(ConfigError);
    expect(() => answerFormatByName("maths")).toThrowError(
      /"maths".*auto, numeric, math, date, choice, exact/,
    );
    expect(() => answerFormatByName("toString")).toThrowError(ConfigError);
  });
});

describe("every answer format", () => {
  const pool = answerPool();

  it.each(answerFormatNames)("%s: two answers are equivalent exactly when their keys match", (name) => {
    const format = answerFormatByName(name);
    const keys = pool.map((answer) => format.key(answer));
    let equivalentPairs = 0;
    const mismatches: string[] = [];
    pool.forEach((a, i) => {
      pool.forEach((b, j) => {
        const equivalent = format.equivalent(a, b);
        if (equivalent !== (keys[i] === keys[j]) || equivalent !== format.equivalent(b, a)) {
          mismatches.push(`${a} ~ ${b}`);
        }
        if (equivalent && i !== j) equivalentPairs++;
      });
    });
    expect(mismatches).toEqual([]);
    // Each format merges some spellings (at least " Paris " and "Paris"), and not everything.
    expect(equivalentPairs).toBeGreaterThan(0);
    expect(new Set(keys).size).toBeGreaterThan(pool.length / 3);
  });

  it.each(answerFormatNames)("%s: a key keys to itself", (name) => {
    const format = answerFormatByName(name);
    for (const answer of pool)
      expect(format.key(format.key(answer)), `${name}: ${answer}`).toBe(format.key(answer));
  });
});
