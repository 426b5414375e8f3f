import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliCaptured } from "./commands/run-cli-captured.test-support.ts";
import { createBackendFromFlags } from "./create-backend.ts";
import { labModelsUnderTest } from "./lab-models-under-test.test-support.ts";

const lab = labModelsUnderTest(["lab-small"]);
if (lab.missing !== undefined) console.log(lab.missing);
const labSmall = fileURLToPath(new URL("../../../llama-cpp/models/lab-small.gguf", import.meta.url));

let directory: string;
/** A lab model's file under a name that says nothing (its metadata is lab-small's). */
let renamed: string;
/** A model with no chat template that is not a lab model: lab-small with its token `Q` made `q`. */
let foreign: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "mull-model-file-"));
  renamed = path.join(directory, "x.gguf");
  await copyFile(labSmall, renamed);
  const bytes = Buffer.from(await readFile(labSmall));
  const length = Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]);
  const at = bytes.indexOf(Buffer.concat([length, Buffer.from("Q"), length, Buffer.from("A")]));
  if (at < 0) throw new Error("lab-small.gguf does not store its tokens Q and A side by side");
  bytes[at + 8] = "q".charCodeAt(0);
  foreign = path.join(directory, "y.gguf");
  await writeFile(foreign, bytes);
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** `mull solve` of one lab question on `model`, two samples. */
function solveOn(model: string, ...flags: string[]) {
  return runCliCaptured("solve", "12+7=?", "--model", model, "--n", "2", "--threads", "1", ...flags);
}

describe.skipIf(!lab.present)("an embedded .gguf model known by its metadata, not its file name", () => {
  it("gives a lab model's file named x.gguf the lab's profile, at its card's temperature", async () => {
    const resolved = await createBackendFromFlags({ model: renamed, threads: 1 });
    try {
      expect(resolved.profile.name).toBe("lab");
      expect(resolved.profile.promptTemplate?.({ question: "12+7" })).toEqual({
        kind: "text",
        text: "Q: 12+7=? A:",
      });
      // general.name is lab-small, whose card recommends 1.25.
      expect(resolved.profile.samplingDefaults.temperature).toBe(1.25);
    } finally {
      await resolved.dispose();
    }
  });

  it("answers with mull solve on that file", async () => {
    const run = await solveOn(renamed, "--json");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).candidates).toHaveLength(2);
  });

  it("refuses a model with no chat template that is not a lab model, naming --model, before any sample", async () => {
    const run = await solveOn(foreign);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(
      `mull: --model: ${foreign} has no chat template and is not a lab model, so it cannot take chat prompts; ` +
        "pass --prompt-template lab",
    );
  });

  it("refuses that model in mull bench over questions without ready prompts, naming --model", async () => {
    const dataset = path.join(directory, "questions.jsonl");
    await writeFile(dataset, `${JSON.stringify({ id: "one", question: "12+7=?", answer: "19" })}\n`);
    const run = await runCliCaptured(
      ...["bench", "--dataset", dataset, "--model", foreign, "--strategies", "greedy"],
      ...["--out", path.join(directory, "bench"), "--threads", "1"],
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`mull: --model: ${foreign} has no chat template and is not a lab model`);
  });

  it("runs that model with --prompt-template lab", async () => {
    const run = await solveOn(foreign, "--prompt-template", "lab", "--json");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).candidates).toHaveLength(2);
  });
});
