import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { numericAnswerFormat as format } from "./numeric-answer-format.ts";

const sharedData = path.resolve(import.meta.dirname, "../../../../../shared/data");
const hasSharedData = existsSync(sharedData);
if (!hasSharedData) console.warn(`skipping the GSM8K checks: ${sharedData} is absent`);

describe("numericAnswerFormat", () => {
  it("extracts #### first, then a box, then a stated answer, then the last number", () => {
    expect(format.extract("boxed \\boxed{4}\n#### 5\nthe answer is 6")).toBe("5");
    expect(format.extract("the answer is 6, not \\boxed{4}")).toBe("4");
    expect(format.extract("So the answer is 18 dollars. That is 3 more.")).toBe("18 dollars");
    expect(format.extract("3 + 4 = 7, and 7 * 2 = 14.")).toBe("14");
    expect(format.extract("no digits at all")).toBeUndefined();
  });

  it("reads the number inside a stated answer that is not itself a number", () => {
    expect(format.extract("Final answer: she makes $18 every day")).toBe("18");
    expect(format.extract("So the answer is 18 dollars a day.")).toBe("18");
  });

  it("compares by value: commas, trailing zeros, signs, fractions, currency, percent and units", () => {
    const same: [string, string][] = [
      ["1,000", "1000"],
      ["1000", "1000.0"],
      ["$1,000.00", "1000"],
      ["3/4", "0.75"],
      ["\\frac{3}{4}", ".75"],
      ["+5", "5"],
      ["-0", "0"],
      ["50%", "50"],
      ["18 dollars", "18"],
      ["1,450,000", "1450000"],
    ];
    for (const [a, b] of same) expect(format.equivalent(a, b), `${a} = ${b}`).toBe(true);
    const different: [string, string][] = [
      ["1,000", "100"],
      ["-5", "5"],
      ["3/4", "4/3"],
      ["0.75", "0.7"],
      ["12345678901234567", "12345678901234568"],
    ];
    for (const [a, b] of different) expect(format.equivalent(a, b), `${a} != ${b}`).toBe(false);
  });

  it("keys a non-number by its compact text", () => {
    expect(format.key("x + 1")).toBe("x+1");
    expect(format.equivalent("x + 1", "x+1")).toBe(true);
    expect(format.equivalent("x + 1", "x + 2")).toBe(false);
  });
});

describe.skipIf(!hasSharedData)("numericAnswerFormat on GSM8K (../shared/data, skipped when absent)", () => {
  // A skipped suite is still collected: read the data only when it is there.
  const rows = (
    hasSharedData ? readFileSync(path.join(sharedData, "benchmarks/gsm8k-test.jsonl"), "utf8") : ""
  )
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as { question: string; answer: string });

  it("extracts every gold answer from its own solution, equal to itself", () => {
    const failures: string[] = [];
    for (const row of rows) {
      const gold = row.answer.split("#### ").at(-1)?.trim() ?? "";
      const extracted = format.extract(row.answer);
      if (extracted === undefined || !format.equivalent(extracted, gold) || !format.equivalent(gold, gold)) {
        failures.push(`${gold} -> ${extracted}`);
      }
    }
    console.info(`GSM8K: ${rows.length - failures.length}/${rows.length} golds extracted and equivalent`);
    expect(rows.length).toBe(1319);
    expect(failures).toEqual([]);
  });

  it("keeps different golds apart", () => {
    const golds = rows.map((row) => row.answer.split("#### ").at(-1)?.trim() ?? "");
    const byKey = new Map<string, Set<string>>();
    for (const gold of golds) {
      const key = format.key(gold);
      byKey.set(key, (byKey.get(key) ?? new Set()).add(Number(gold.replace(/,/g, "")).toString()));
    }
    for (const [key, values] of byKey) expect([...values], key).toHaveLength(1);
  });
});
