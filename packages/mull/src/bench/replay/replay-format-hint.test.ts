import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DatasetError } from "../datasets/index.ts";
import { loadReplay } from "./load-replay.ts";

const folder = mkdtempSync(join(tmpdir(), "mull-replay-format-hint-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function file(name: string, lines: readonly unknown[]): string {
  const path = join(folder, name);
  writeFileSync(path, `${lines.map((line) => JSON.stringify(line)).join("\n")}\n`);
  return path;
}

function refusal(load: () => unknown): DatasetError {
  try {
    load();
  } catch (error) {
    if (DatasetError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("the file was read");
}

const genericLine = { id: "g", gold: "1", samples: [{ answer: "1", tokens: 3 }] };
const qwen3Line = {
  id: "q",
  question: "?",
  gold: "2",
  samples: [{ answer: "2", tokens: 900, probes: ["2"] }],
};
const qwenRmMajLine = { idx: 0, gt: "3", pred: ["3"], score: [true], pred_score: [[0.5]] };
const faithfulCotLine = { id: "f", completions: ["So the answer is 4."] };

describe("loadReplay: a line in another replay format", () => {
  it("suggests --format qwen3-probes for a Qwen3 probes line read as generic, at the line's own number", () => {
    const samples = file("qwen3.jsonl", [genericLine, qwen3Line]);
    const error = refusal(() => loadReplay({ samples }));
    expect(error.message).toBe(
      `${samples}:2: field "samples[0].probes": unknown field (see the replay format's README); ` +
        "the line is in the qwen3-probes format: give --format qwen3-probes",
    );
    expect(error.field).toBe("samples[0].probes");
    expect(error.line).toBe(2);
    expect(error.file).toBe(samples);
  });

  it("suggests the format of a qwen-rm-maj or faithful-cot line, and generic for a generic line", () => {
    const qwen = file("qwen-rm-maj.jsonl", [qwenRmMajLine]);
    expect(refusal(() => loadReplay({ samples: qwen })).message).toMatch(
      /; the line is in the qwen-rm-maj format: give --format qwen-rm-maj$/,
    );
    const predictions = file("predictions.jsonl", [faithfulCotLine]);
    expect(refusal(() => loadReplay({ samples: predictions })).message).toMatch(
      /; the line is in the faithful-cot format: give --format faithful-cot with --gold <file>$/,
    );
    const generic = file("generic.jsonl", [genericLine]);
    expect(refusal(() => loadReplay({ samples: generic, format: "qwen3-probes" })).message).toMatch(
      /; the line is in the generic format: give --format generic$/,
    );
  });

  it("says nothing more of a line no format reads, nor of an error on a line its own format reads", () => {
    const misspelt = file("misspelt.jsonl", [{ ...genericLine, samples: [{ answer: "1", rewrad: 0.5 }] }]);
    expect(refusal(() => loadReplay({ samples: misspelt })).message).toBe(
      `${misspelt}:1: field "samples[0].rewrad": unknown field (see the replay format's README)`,
    );
    const duplicate = file("duplicate.jsonl", [genericLine, genericLine]);
    expect(refusal(() => loadReplay({ samples: duplicate })).message).not.toContain("--format");
  });
});
