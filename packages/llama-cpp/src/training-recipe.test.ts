import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { labModelsDirectory } from "./lab-models.ts";

// The training recipe's own tests (task options, checkpoint and resume) are Python's unittest beside the
// recipe; this runs them with Debian's torch, which CI installs, and skips with a message without it.
const training = path.join(labModelsDirectory, "..", "training");
const python = "/usr/bin/python3";

function pythonTorch(): boolean {
  try {
    execFileSync(python, ["-c", "import torch, numpy"], { stdio: "ignore", timeout: 60_000 });
    return true;
  } catch {
    process.stderr.write(`training recipe test skipped: ${python} cannot import torch\n`);
    return false;
  }
}

describe.skipIf(!pythonTorch())("the lab training recipe", () => {
  it("passes its unittest suite (task options, checkpoint and resume)", () => {
    const run = spawnSync(python, ["-m", "unittest", "-v", "test_training.py"], {
      cwd: training,
      env: { ...process.env, OMP_NUM_THREADS: "1" },
      encoding: "utf8",
      timeout: 240_000,
    });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output).toBe(0);
    // unittest's summary: the suite ran tests, and every one passed.
    const ran = /Ran (\d+) tests?/.exec(output);
    expect(Number(ran?.[1])).toBeGreaterThanOrEqual(8);
    // "OK", or "OK (skipped=1)" where a case cannot hold (an unwritable folder, as root): the suite prints why.
    expect(output).toMatch(/\nOK( \(skipped=\d+\))?\s*$/);
    for (const skipped of output.matchAll(/\.\.\. skipped '([^']+)'/g))
      console.log(`training recipe: skipped: ${skipped[1]}`);
  }, 300_000);
});
