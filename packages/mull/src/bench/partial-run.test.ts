import { describe, expect, it } from "vitest";
import { syntheticRun } from "../testing/index.ts";
import { describePartialRun } from "./describe-partial-run.ts";
import { partialRunOf } from "./partial-run.ts";
import { runCompleteness } from "./run-completeness.ts";
import type { RunData } from "./run-data.ts";

const run = syntheticRun({ seed: 2, problems: 6 });

describe("partialRunOf", () => {
  it("states a partial run's pairs recorded of planned, its problems and strategies, and none of a complete run", () => {
    const greedyOnly: RunData = {
      ...run,
      results: run.results.filter((result) => result.strategy === "greedy"),
    };
    const completeness = runCompleteness(greedyOnly);
    const statement = describePartialRun(completeness, greedyOnly.manifest, "Nothing else is read.");
    expect(partialRunOf(completeness, statement)).toEqual({
      recorded: 6,
      planned: 24,
      problems: 6,
      strategies: [
        { strategy: "greedy", recorded: 6 },
        { strategy: "sc@4", recorded: 0 },
        { strategy: "sc@8", recorded: 0 },
        { strategy: "bon@8", recorded: 0 },
      ],
      statement:
        "The run is partial: 6 of 24 pairs are recorded (greedy 6 of 6, sc@4 0 of 6, sc@8 0 of 6, bon@8 0 of 6). " +
        "Nothing else is read. Unless its bench is still running, continue it with the command that started it " +
        "and --resume (mull bench --dataset synthetic --strategies greedy,sc@4,sc@8,bon@8 … --resume).",
    });
    expect(partialRunOf(runCompleteness(run), "unused")).toBeUndefined();
  });
});
