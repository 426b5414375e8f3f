import { describe, expect, it } from "vitest";
import { labDatasetNames } from "../lab/index.ts";
import { checkLabDataset } from "./check-lab-dataset.ts";

describe("checkLabDataset", () => {
  it("passes every lab dataset and names that are not lab ones", () => {
    for (const name of [...labDatasetNames, "gsm8k", "data/problems.jsonl"]) {
      expect(() => checkLabDataset(name, "--dataset"), name).not.toThrow();
    }
  });

  it("refuses a lab: name the lab does not generate, naming the flag and listing the lab's", () => {
    expect(() => checkLabDataset("lab:7", "--dataset")).toThrowError(
      "--dataset lab:7: not a lab dataset; expected one of lab:1, lab:2, lab:3, lab:4, lab:5, lab:6, lab:mixed, lab:hard, lab:two-digit",
    );
  });
});
