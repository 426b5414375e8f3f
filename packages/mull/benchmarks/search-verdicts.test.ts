import { describe, expect, it } from "vitest";
import { type SearchRow, searchVerdicts } from "./search-verdicts.ts";

/** A row of the table, measured unless `failures` says otherwise. */
function row(
  strategy: string,
  family: string,
  n: number,
  prm: string,
  accuracy: number,
  tokensPerProblem: number,
  failures = 0,
): SearchRow {
  return {
    strategy,
    family,
    n,
    prm,
    accuracy,
    tokensPerProblem,
    prmPassesPerProblem: 0,
    prmCallsPerProblem: 0,
    tokensPerCorrect: accuracy === 0 ? undefined : tokensPerProblem / accuracy,
    partialShare: 0,
    failures,
  };
}

/** The rows every run measures first: greedy and one sampled solution. */
const opening = [row("greedy", "greedy", 1, "-", 0.6, 78), row("single", "single", 1, "-", 0.5, 78)];

describe("searchVerdicts", () => {
  it("judges no A* where none ran (--strategies maj,pf,beam)", () => {
    const rows = [
      ...opening,
      row("pass@4", "pass", 4, "outcome", 0.7, 312),
      row("maj@4", "maj", 4, "-", 0.583, 312),
      row("beam@4x4", "beam", 4, "exact", 0.7, 300),
      row("pf@4", "pf", 4, "exact", 0.733, 307),
    ];
    expect(searchVerdicts(rows, ["exact"], [4])).toEqual([
      "- best guided search within maj@4's tokens (exact): pf@4 73.3% vs maj@4 58.3%: met",
    ]);
  });

  it("judges the A* that ran: the cheapest one reaching pf@N, or that none did", () => {
    const rows = [
      ...opening,
      row("maj@4", "maj", 4, "-", 0.6, 312),
      row("pf@4", "pf", 4, "exact", 0.75, 300),
      row("astar@2", "astar", 2, "exact", 0.7, 100),
      row("astar@4", "astar", 4, "exact", 0.8, 140),
      row("astar@8", "astar", 8, "exact", 0.8, 200),
      row("pf@4", "pf", 4, "noisy", 0.7, 300),
      row("astar@2", "astar", 2, "noisy", 0.5, 90),
    ];
    const lines = searchVerdicts(rows, ["exact", "noisy"], [4]);
    expect(lines).toContain("- astar@4 reaches pf@4's 75.0% with 2.14x fewer tokens (exact): met");
    expect(lines).toContain("- A* never reached pf@4's 70.0% (noisy): missed");
    // An A* within maj@4's 312 tokens counts as guided search at equal tokens.
    expect(lines).toContain(
      "- best guided search within maj@4's tokens (exact): astar@4 80.0% vs maj@4 60.0%: met",
    );
  });

  it("sets pf@N against pass@4N for the exact checker and bon@4N for another reward model", () => {
    const rows = [
      ...opening,
      row("pass@4", "pass", 4, "outcome", 0.7, 312),
      row("pass@16", "pass", 16, "outcome", 0.833, 1247),
      row("bon@16", "bon", 16, "calibrated", 0.7, 1247),
      row("pf@4", "pf", 4, "exact", 0.733, 307),
      row("pf@4", "pf", 4, "calibrated", 0.717, 307),
    ];
    expect(searchVerdicts(rows, ["exact", "calibrated"], [4])).toEqual([
      "- pf@4 73.3% vs pass@16 83.3% (exact): missed",
      "- pf@4 71.7% vs bon@16 70.0% (calibrated): met",
    ]);
  });

  it("leaves rows with failed problems out of the targets and names them", () => {
    const rows = [
      ...opening,
      row("maj@4", "maj", 4, "-", 0.6, 312),
      row("pf@4", "pf", 4, "exact", 0.75, 300),
      row("astar@2", "astar", 2, "exact", 0.9, 100, 3),
    ];
    expect(searchVerdicts(rows, ["exact"], [4])).toEqual([
      "- left out of the targets, some problems failed: astar@2 (exact)",
      "- best guided search within maj@4's tokens (exact): pf@4 75.0% vs maj@4 60.0%: met",
    ]);
  });

  it("says so when no target's strategies ran", () => {
    const rows = [
      ...opening,
      row("pass@4", "pass", 4, "outcome", 0.7, 312),
      row("maj@4", "maj", 4, "-", 0.6, 312),
    ];
    expect(searchVerdicts(rows, ["exact"], [4])).toEqual([
      "- none checked: the targets compare pf@N with best-of-4N (pass@4N for exact) and with A*, and guided search with maj@N; none of those pairs ran",
    ]);
  });
});
