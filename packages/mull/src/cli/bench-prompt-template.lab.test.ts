import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { runCliCaptured } from "./commands/run-cli-captured.test-support.ts";
import { labModelsUnderTest } from "./lab-models-under-test.test-support.ts";

const lab = labModelsUnderTest(["lab-small"]);
if (lab.missing !== undefined) console.log(lab.missing);

const folder = mkdtempSync(join(tmpdir(), "mull-bench-template-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** `mull bench` on 2 problems of lab:hard, greedy, on lab-small. */
function bench(out: string, ...flags: string[]) {
  return runCliCaptured(
    "bench",
    ...["--dataset", "lab:hard", "--limit", "2", "--model", "lab-small", "--threads", "1", "--out", out],
    ...flags,
  );
}

/** Each recorded pair's prompt tokens and its sample's text, by problem. */
function recorded(directory: string): { prompt_tokens: number; text: string }[] {
  const database = new DatabaseSync(join(directory, "bench.sqlite"), { readOnly: true });
  try {
    return database
      .prepare(
        `SELECT results.prompt_tokens, samples.text FROM results JOIN samples
           ON samples.problem_id = results.problem_id AND samples.strategy = results.strategy
           ORDER BY results.problem_id`,
      )
      .all() as { prompt_tokens: number; text: string }[];
  } finally {
    database.close();
  }
}

describe.skipIf(!lab.present)("mull bench --prompt-template on a lab dataset", () => {
  it("asks the lab's questions with the template chosen, not their ready prompts", async () => {
    const ready = await bench(join(folder, "lab"), "--prompt-template", "lab");
    expect(ready.code, ready.stderr).toBe(0);
    const gsm8k = await bench(
      join(folder, "gsm8k"),
      "--prompt-template",
      "gsm8k",
      "--endpoint",
      "completions",
    );
    expect(gsm8k.code, gsm8k.stderr).toBe(0);
    const [labPrompted, gsm8kPrompted] = [recorded(join(folder, "lab")), recorded(join(folder, "gsm8k"))];
    expect(labPrompted).toHaveLength(2);
    expect(gsm8kPrompted).toHaveLength(2);
    // The gsm8k template's instructions make every prompt longer than the lab's `Q: … A:`.
    for (const [index, pair] of gsm8kPrompted.entries()) {
      expect(pair.prompt_tokens).toBeGreaterThan(labPrompted[index]!.prompt_tokens);
    }
  }, 120_000);

  it("refuses a chat template for the lab model before the run starts, naming --prompt-template (exit 2)", async () => {
    const out = join(folder, "chat");
    const refused = await bench(out, "--prompt-template", "gsm8k");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      "mull: --prompt-template gsm8k writes chat prompts, which the llama-cpp backend (model lab-small) cannot take",
    );
    expect(refused.stderr).not.toContain("pairs to run");
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
