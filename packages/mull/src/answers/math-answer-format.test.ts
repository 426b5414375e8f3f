import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { mathAnswerFormat as format } from "./math-answer-format.ts";

const sharedData = path.resolve(import.meta.dirname, "../../../../../shared/data");
const hasSharedData = existsSync(sharedData);
if (!hasSharedData) console.warn(`skipping the MATH-500 and Qwen checks: ${sharedData} is absent`);

function readJsonLines<Row>(relative: string): Row[] {
  return readFileSync(path.join(sharedData, relative), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Row);
}

function expectSame(pairs: [string, string][]): void {
  for (const [a, b] of pairs) expect(format.equivalent(a, b), `${a} = ${b}`).toBe(true);
}

function expectDifferent(pairs: [string, string][]): void {
  for (const [a, b] of pairs) expect(format.equivalent(a, b), `${a} != ${b}`).toBe(false);
}

describe("mathAnswerFormat extraction", () => {
  it("takes the last box with nested braces", () => {
    expect(format.extract("First $\\boxed{2}$; finally $\\boxed{\\dfrac{\\sqrt{3}}{2}}$.")).toBe(
      "\\dfrac{\\sqrt{3}}{2}",
    );
  });

  it("falls back to a stated answer, and finds nothing in a bare derivation", () => {
    expect(format.extract("The final answer is $\\frac{3}{4}$. I hope it is correct.")).toBe("\\frac{3}{4}");
    expect(format.extract("So 3 + 4 = 7.")).toBeUndefined();
  });
});

describe("mathAnswerFormat equivalence", () => {
  it("compares fractions and decimals by value", () => {
    expectSame([
      ["\\frac{1}{2}", "0.5"],
      ["\\frac{1}{2}", "1/2"],
      ["\\dfrac12", "\\tfrac{1}{2}"],
      ["\\frac 34", "0.75"],
      ["\\frac9{19}", "\\frac{9}{19}"],
      ["-\\frac{24}{25}", "-0.96"],
      [".35625", "0.35625"],
      ["1\\frac{4}{5}", "1.8"],
      ["137 \\frac{1}{2}", "137.5"],
    ]);
    expectDifferent([
      ["\\frac{1}{2}", "\\frac{1}{3}"],
      ["\\frac{1}{3}", "0.33"],
      ["-\\frac{1}{2}", "\\frac{1}{2}"],
    ]);
  });

  it("compares radicals and pi by value", () => {
    expectSame([
      ["\\sqrt2", "\\sqrt{2}"],
      ["2\\sqrt2", "\\sqrt{8}"],
      ["\\frac{\\sqrt{3}}{3}", "\\frac{1}{\\sqrt{3}}"],
      ["8 \\pi", "8\\pi"],
      ["\\frac{\\pi}{2}", "\\pi/2"],
    ]);
    expectDifferent([
      ["\\sqrt{2}", "1.414"],
      ["\\sqrt{3}", "\\sqrt{2}"],
      ["2\\pi", "\\pi"],
    ]);
  });

  it("ignores markup that does not change the value", () => {
    expectSame([
      ["\\left( 3, \\frac{\\pi}{2} \\right)", "(3,\\frac{\\pi}{2})"],
      ["90^\\circ", "90"],
      ["90^{\\circ}", "90"],
      ["\\$18.90", "18.9"],
      ["10\\%", "10"],
      ["10,\\!080", "10080"],
      ["11,\\! 111,\\! 111,\\! 100", "11111111100"],
      ["5.4 \\text{ cents}", "5.4"],
      ["15\\mbox{ cm}^2", "15"],
      ["\\frac{270}7\\text{ degrees}", "\\frac{270}{7}"],
      ["\\text{Evelyn}", "Evelyn"],
      ["\\text{(B)}", "B"],
      ["5.", "5"],
      ["x = 5", "5"],
      ["\\theta = \\pi", "\\pi"],
      ["y = 2x + 3", "2x+3"],
      ["x \\in [-2,7]", "[-2, 7]"],
      ["\\boxed{5}", "5"],
      ["$\\displaystyle 12$", "12"],
      ["4210_{5}", "4210_5"],
      ["x^{2} + 1", "x^2+1"],
    ]);
    expectDifferent([
      ["y = 2x + 3", "2x+4"],
      ["5x - 7y + 11z + 4 = 0", "5x - 7y + 11z + 4"],
      ["4210_5", "4210"],
    ]);
  });

  it("compares tuples and intervals element by element, keeping order and bracket kinds", () => {
    expectSame([
      ["(1, -16, -4, 43)", "(1,-16,-4,43)"],
      ["\\left(\\frac{3}{5},\\frac{8}{3}\\right]", "(0.6, 8/3]"],
      ["(-\\infty, 2) \\cup (3, \\infty)", "(-\\infty,2)\\cup(3,\\infty)"],
      ["\\begin{pmatrix} 1/5 \\\\ -18/5 \\end{pmatrix}", "\\begin{pmatrix} 0.2 \\\\ -3.6 \\end{pmatrix}"],
    ]);
    expectDifferent([
      ["(2,4)", "(4,2)"],
      ["[1,2)", "(1,2)"],
      ["(1,2)", "(1,2,3)"],
      ["(a+5)(b+2)", "(b+2)(a+5)"],
      ["\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "\\begin{pmatrix} 2 \\\\ 1 \\end{pmatrix}"],
    ]);
  });

  it("compares sets and bare lists of solutions in any order, but not thousands", () => {
    expectSame([
      ["3, 5, 7", "7,5,3"],
      ["1,-2", "-2, 1"],
      ["\\{1\\pm\\sqrt{5},-2\\}", "\\{-2, 1 \\pm \\sqrt5\\}"],
      ["58,500", "58500"],
      ["10{,}000", "10000"],
      ["\\$1{,}234.5", "1234.5"],
    ]);
    expectDifferent([
      ["1, 234", "1234"],
      ["3, 5", "3, 5, 7"],
      ["\\{1{,}2\\}", "12"],
    ]);
  });

  it("keys expressions with variables by their compact text", () => {
    expectSame([
      ["x^5 - x^4 + x^3", "x^5-x^4+x^3"],
      ["-2 + 7i", "-2+7i"],
    ]);
    expectDifferent([
      ["p - q", "q - p"],
      ["2k", "2k+2"],
      ["1+2i", "1-2i"],
    ]);
  });
});

describe.skipIf(!hasSharedData)(
  "mathAnswerFormat on recorded data (../shared/data, skipped when absent)",
  () => {
    it("extracts from each MATH-500 solution a box equivalent to its answer field", () => {
      const rows = readJsonLines<{ solution: string; answer: string }>("benchmarks/math500.jsonl");
      const failures = rows.filter((row) => {
        const extracted = format.extract(row.solution);
        return extracted === undefined || !format.equivalent(extracted, row.answer);
      });
      const rate = (rows.length - failures.length) / rows.length;
      console.info(
        `MATH-500: ${rows.length - failures.length}/${rows.length} boxed answers equivalent (${rate})`,
      );
      expect(rows.length).toBe(500);
      expect(rate).toBeGreaterThanOrEqual(0.98);
    });

    it("agrees with the Qwen2.5-Math correctness flags", () => {
      const rows = readJsonLines<{ gt: string; pred: string[]; score: boolean[]; response: string[] }>(
        "replay/qwen25-math-rm-maj-example.jsonl",
      );
      let agreements = 0;
      let flagged = 0;
      let extractionAgreements = 0;
      for (const row of rows) {
        row.pred.forEach((prediction, index) => {
          flagged++;
          if (format.equivalent(prediction, row.gt) === row.score[index]) agreements++;
          const extracted = format.extract(row.response[index] ?? "");
          if (extracted !== undefined && format.equivalent(extracted, prediction)) extractionAgreements++;
        });
      }
      console.info(
        `Qwen2.5-Math: equivalence agrees with ${agreements}/${flagged} score flags; ` +
          `own extraction matches pred in ${extractionAgreements}/${flagged}`,
      );
      expect(flagged).toBe(800);
      expect(agreements / flagged).toBeGreaterThanOrEqual(0.97);
      expect(extractionAgreements / flagged).toBeGreaterThanOrEqual(0.97);
    });

    it("reproduces the published maj@8 of 93.0 from the raw Qwen2.5-Math responses", () => {
      const rows = readJsonLines<{ gt: string; response: string[] }>(
        "replay/qwen25-math-rm-maj-example.jsonl",
      );
      let correct = 0;
      for (const row of rows) {
        const counts = new Map<string, number>();
        let leader: string | undefined;
        for (const response of row.response) {
          const answer = format.extract(response);
          if (answer === undefined) continue;
          const key = format.key(answer);
          const count = (counts.get(key) ?? 0) + 1;
          counts.set(key, count);
          if (leader === undefined || count > (counts.get(leader) ?? 0)) leader = key;
        }
        if (leader === format.key(row.gt)) correct++;
      }
      console.info(`Qwen2.5-Math maj@8 with this format: ${correct}/${rows.length}`);
      expect(correct / rows.length).toBeCloseTo(0.93, 2);
    });

    it("keeps a key stable when keyed again and distinct MATH-500 answers mostly apart", () => {
      const answers = readJsonLines<{ answer: string }>("benchmarks/math500.jsonl").map((row) => row.answer);
      for (const answer of answers) expect(format.key(format.key(answer)), answer).toBe(format.key(answer));
      // Different gold strings that share a key must differ only in markup (e.g. `90^\circ` and `90`).
      const byKey = new Map<string, Set<string>>();
      for (const answer of answers)
        byKey.set(format.key(answer), (byKey.get(format.key(answer)) ?? new Set()).add(answer));
      const merged = [...byKey.values()].filter((group) => group.size > 1).length;
      const distinct = new Set(answers).size;
      console.info(`MATH-500: ${distinct} distinct answer strings fall into ${byKey.size} keys`);
      expect(merged).toBeLessThan(20);
      expect(byKey.size).toBeGreaterThan(distinct - 20);
    });
  },
);
