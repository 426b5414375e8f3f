import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileSizeLimitSkipReason, runWithFileSizeLimit } from "../../runtime/file-size-limit.test-support.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { labModelsUnderTest } from "../lab-models-under-test.test-support.ts";
import { mullBin } from "./mull-process.test-support.ts";

// A full disk or a file-size limit (`ulimit -f`, EFBIG) is one clear line naming the file, exit 1 (a
// fault, not bad usage), with what was stored before kept: never a stack trace, never a silent kill.

/** The one line mull prints when `path` could not be written for lack of room. */
const noRoom = (path: string, detail: string) =>
  `mull: cannot write ${path}: the disk is full or a file-size limit was hit (${detail}); ` +
  "free some space or raise the limit (ulimit -f)\n";

const lab = labModelsUnderTest(["lab-small"]);
if (fileSizeLimitSkipReason !== undefined) console.log(fileSizeLimitSkipReason);
else if (lab.missing !== undefined) console.log(lab.missing);

let workspace: string;
let server: FakeOpenAIServer;
let datasetFile: string;

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), "mull-file-size-limit-"));
  server = await startFakeOpenAIServer({ models: ["fake-model"], handler: () => "We add.\n#### 4" });
  datasetFile = join(workspace, "sums.jsonl");
  const rows = Array.from({ length: 4 }, (_, index) =>
    JSON.stringify({ id: `sum-${index}`, question: `What is 2 plus ${index}?`, answer: String(2 + index) }),
  );
  writeFileSync(datasetFile, `${rows.join("\n")}\n`);
});

afterAll(async () => {
  await server?.close();
  rmSync(workspace, { recursive: true, force: true });
});

/** `mull bench` over the fake server into `out`. */
function benchOverHttp(out: string): string[] {
  return [
    process.execPath,
    mullBin,
    "bench",
    ...["--dataset", datasetFile, "--base-url", server.url, "--model", "fake-model"],
    ...["--strategies", "greedy,sc@2", "--grader", "numeric", "--out", out],
  ];
}

describe.skipIf(fileSizeLimitSkipReason !== undefined)("a file-size limit", () => {
  it("while the run's store is created: one line naming the database, exit 1, the directory kept", async () => {
    const out = join(workspace, "store-open");
    const run = await runWithFileSizeLimit(1, benchOverHttp(out));
    expect(run.stderr).toBe(noRoom(join(out, "bench.sqlite"), "disk I/O error"));
    expect(run).toMatchObject({ code: 1, signal: null });
    expect(existsSync(out)).toBe(true);
  }, 60_000);

  it("while the report is written: one line naming the report, exit 1, the earlier report and the run kept", async () => {
    const out = join(workspace, "report");
    expect((await runWithFileSizeLimit(undefined, benchOverHttp(out))).code).toBe(0);
    const database = readFileSync(join(out, "bench.sqlite"));
    const report = join(out, "report.html");
    const earlier = "<!doctype html>\n<p>an earlier report</p>\n";
    writeFileSync(report, earlier);
    // Room for the database's WAL index (32 KiB), not for the report (hundreds of KiB of inline plots).
    const run = await runWithFileSizeLimit(40, [process.execPath, mullBin, "report", out]);
    expect(run.stderr).toBe(noRoom(report, "EFBIG"));
    expect(run).toMatchObject({ code: 1, signal: null });
    expect(readFileSync(report, "utf8")).toBe(earlier);
    expect(readdirSync(out).filter((name) => name.endsWith(".tmp"))).toEqual([]);
    expect(readFileSync(join(out, "bench.sqlite")).equals(database)).toBe(true);
    // With room the same command writes it: the limit was the only fault.
    expect((await runWithFileSizeLimit(undefined, [process.execPath, mullBin, "report", out])).code).toBe(0);
    expect(readFileSync(report, "utf8")).not.toBe(earlier);
  }, 120_000);

  it("while a stored run is opened (its WAL index): the disk-full line and exit 1, not a corrupt database", async () => {
    const out = join(workspace, "open-to-read");
    expect((await runWithFileSizeLimit(undefined, benchOverHttp(out))).code).toBe(0);
    for (const suffix of ["-wal", "-shm"]) rmSync(join(out, `bench.sqlite${suffix}`), { force: true });
    const run = await runWithFileSizeLimit(1, [process.execPath, mullBin, "report", out]);
    expect(run.stderr).toBe(noRoom(join(out, "bench.sqlite"), "disk I/O error"));
    expect(run).toMatchObject({ code: 1, signal: null });
  }, 120_000);

  it.skipIf(!lab.present)(
    "with the embedded engine loaded (which takes SIGXFSZ over): an error, not a kill by the signal",
    async () => {
      const out = join(workspace, "embedded");
      const args = ["--dataset", "lab:3", "--strategies", "greedy", "--limit", "5", "--model", "lab-small"];
      const run = await runWithFileSizeLimit(60, [process.execPath, mullBin, "bench", ...args, "--out", out]);
      expect(run.signal).toBeNull();
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(noRoom(join(out, "bench.sqlite"), "disk I/O error"));
      expect(run.stderr).not.toContain("unexpected error");
    },
    120_000,
  );
});
