import { describe, expect, it } from "vitest";
import { resumeRunHint } from "./resume-run-hint.ts";

describe("resumeRunHint", () => {
  it("gives mull bench's command for a dataset only mull bench runs", () => {
    expect(resumeRunHint({ dataset: "gsm8k", strategies: ["greedy", "sc@4"] })).toBe(
      "Unless its bench is still running, continue it with the command that started it and --resume " +
        "(mull bench --dataset gsm8k --strategies greedy,sc@4 … --resume).",
    );
  });

  it("gives mull lab's command first for a lab dataset, which mull lab may have started", () => {
    expect(resumeRunHint({ dataset: "lab:mixed", strategies: ["greedy", "sc@4"] })).toBe(
      "Unless it is still running, continue it with the command that started it and --resume " +
        "(mull lab --dataset lab:mixed --strategies greedy,sc@4 … --out <its directory> --resume, " +
        "or mull bench --dataset lab:mixed --strategies greedy,sc@4 … --resume for a run of mull bench).",
    );
  });
});
