import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { labCommand } from "./lab.ts";
import { runCliCaptured } from "./run-cli-captured.test-support.ts";

const folder = mkdtempSync(join(tmpdir(), "mull-lab-cli-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** `mull lab` on two problems with one strategy: a run of a second or so. */
function lab(...flags: string[]) {
  return runCliCaptured("lab", "--problems", "2", "--strategies", "greedy", "--json", ...flags);
}

describe("mull lab", () => {
  it("continues a run with --resume, and without it says that is how", async () => {
    const out = join(folder, "run");
    const first = await lab("--out", out);
    expect(first.code).toBe(0);
    const manifest = readFileSync(join(out, "manifest.json"), "utf8");
    const runId = (JSON.parse(manifest) as { runId: string }).runId;
    const again = await lab("--out", out);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(
      `mull: ${out} already holds run ${runId}; pass --resume to continue it, or choose another --out\n`,
    );
    const resumed = await lab("--out", out, "--resume");
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ runId, report: join(out, "report.html") });
    // The same run, continued: its manifest was not rewritten.
    expect(readFileSync(join(out, "manifest.json"), "utf8")).toBe(manifest);
  }, 60_000);

  it("refuses --resume without --out, and an --out that is a file, before any work (exit 2)", async () => {
    const resume = await lab("--resume");
    expect(resume.code).toBe(2);
    expect(resume.stderr).toBe("mull: --resume continues the run in --out: give its directory with --out\n");
    const notes = join(folder, "notes.txt");
    writeFileSync(notes, "keep me");
    const file = await lab("--out", notes);
    expect(file.code).toBe(2);
    expect(file.stderr).toBe(
      `mull: --out ${JSON.stringify(notes)}: that is a file, not a directory; give a directory (mull writes its files inside it)\n`,
    );
    expect(readFileSync(notes, "utf8")).toBe("keep me");
  });

  it("lists every lab dataset in --dataset's help, and no HTTP model in --small-model's", () => {
    const help = (flag: string) => labCommand().options.find((option) => option.long === flag)?.description;
    expect(help("--dataset")).toBe(
      "lab:1 | lab:2 | lab:3 | lab:4 | lab:5 | lab:6 | lab:mixed | lab:hard | lab:two-digit",
    );
    expect(help("--small-model")).toContain("lab-v2-small | lab-small | PATH.gguf");
    expect(help("--small-model")).not.toContain("HTTP");
  });
});
