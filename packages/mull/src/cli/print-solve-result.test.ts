import { afterEach, describe, expect, it, vi } from "vitest";
import type { SolveResult } from "../spec/index.ts";
import { type PrintSolveResultOptions, printSolveResult } from "./print-solve-result.ts";
import { solvedCandidate, solveResult } from "./solve-result.test-support.ts";

const backend = { kind: "scripted", model: "lab-small" };
const text: PrintSolveResultOptions = {
  json: false,
  seed: 3,
  backend,
  spec: "sc@2",
  defaultRoute: undefined,
};

/** What `printSolveResult` wrote to standard output and standard error. */
function printed(result: SolveResult, options: PrintSolveResultOptions): { stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  printSolveResult(result, options);
  vi.restoreAllMocks();
  return { stdout, stderr };
}

afterEach(() => vi.restoreAllMocks());

describe("printSolveResult", () => {
  it("prints the answer, and a summary of the run on the main model to standard error", () => {
    expect(printed(solveResult(), text)).toEqual({
      stdout: "42\n",
      stderr: "sc@2 on lab-small: 2 candidates, 16 tokens, 1 call, stopped by complete\n",
    });
  });

  it("prints one JSON object with the seed and the backend, and nothing else, with --json", () => {
    const { stdout, stderr } = printed(solveResult(), { ...text, json: true });
    expect(JSON.parse(stdout)).toMatchObject({ answer: "42", seed: 3, backend, usage: { totalTokens: 16 } });
    expect(stdout.endsWith("}\n")).toBe(true);
    expect(stderr).toBe("");
  });

  it("names a routing strategy's route, and each model's usage", () => {
    const usageByModel = {
      "lab-small": { promptTokens: 10, completionTokens: 6, calls: 1 },
      "lab-large": { promptTokens: 4, completionTokens: undefined, calls: 2 },
    };
    const result = solveResult({ strategy: "cascade@2", partial: true, stoppedBy: "tokens", usageByModel });
    const routed = { ...text, spec: "cascade@2", defaultRoute: ["lab-small", "lab-large"] };
    expect(printed(result, routed).stderr).toBe(
      "cascade@2 on lab-small>lab-large: 2 candidates, 16 tokens, 1 call, stopped by tokens (best so far)\n" +
        "  lab-small: 16 tokens, 1 call\n" +
        "  lab-large: unknown tokens, 2 calls\n",
    );
    // A route written in the spec wins over the default one.
    const written = { ...routed, spec: "cascade@2:lab-tiny>lab-large" };
    expect(printed(result, written).stderr).toMatch(/^cascade@2 on lab-tiny>lab-large: /);
  });

  it("says why there is no answer with the run's first five notes, each once", () => {
    const notes = ["a", "b", "a", "c", "d", "e", "f"].map((message, index) => ({
      type: "note" as const,
      id: `n${index}`,
      parentId: undefined,
      time: index,
      message,
    }));
    const result = solveResult({ answer: undefined, trace: notes });
    const { stdout, stderr } = printed(result, text);
    expect(stdout).toBe("(no answer)\n");
    expect(stderr.split("\n").slice(1)).toEqual([
      "  note: a",
      "  note: b",
      "  note: c",
      "  note: d",
      "  note: e",
      "",
    ]);
  });

  it("warns when every sample stopped at the token limit, with --json too", () => {
    const cut = { ...solvedCandidate("g1", "4"), finishReason: "length" as const };
    const warning =
      "mull: warning: all 2 samples stopped at the token limit before finishing (finish reason length); " +
      "the answer was read from cut text: raise --max-tokens\n";
    const allCut = solveResult({ candidates: [cut, { ...cut, id: "g2" }] });
    expect(printed(allCut, { ...text, json: true }).stderr).toBe(warning);
    expect(printed(allCut, text).stderr.startsWith(warning)).toBe(true);
    const oneCut = solveResult({ candidates: [cut, solvedCandidate("g2", "4")] });
    expect(printed(oneCut, text).stderr).not.toContain("warning");
  });
});
