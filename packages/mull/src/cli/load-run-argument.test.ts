import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  runNodeUnprivileged,
  unprivilegedMissing,
} from "../bench/store/unprivileged-process.test-support.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { mullBin } from "./commands/mull-process.test-support.ts";

let workspace: string;
let server: FakeOpenAIServer;
/** A finished run, copied into a folder no one may write. */
let readOnlyRun: string;
/** A folder anyone may write, for the outputs. */
let outputs: string;

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), "mull-load-run-argument-"));
  chmodSync(workspace, 0o777);
  if (unprivilegedMissing !== undefined) return;
  server = await startFakeOpenAIServer({ models: ["fake-model"], handler: () => "The answer is 4." });
  const datasetFile = join(workspace, "sums.jsonl");
  const rows = [1, 2, 3].map((index) => JSON.stringify({ id: `p${index}`, question: "2+2?", answer: "4" }));
  writeFileSync(datasetFile, `${rows.join("\n")}\n`);
  const run = join(workspace, "run");
  const bench = await runNodeUnprivileged([
    mullBin,
    ...["bench", "--dataset", datasetFile, "--base-url", server.url, "--model", "fake-model"],
    ...["--strategies", "sc@2", "--out", run],
  ]);
  if (bench.status !== 0) throw new Error(`the bench failed: ${bench.stderr}`);
  readOnlyRun = join(workspace, "read-only");
  cpSync(run, readOnlyRun, { recursive: true });
  chmodSync(readOnlyRun, 0o555);
  outputs = join(workspace, "outputs");
  mkdirSync(outputs);
  chmodSync(outputs, 0o777);
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (readOnlyRun !== undefined) chmodSync(readOnlyRun, 0o755);
  rmSync(workspace, { recursive: true, force: true });
});

describe.runIf(unprivilegedMissing === undefined)("loadRunArgument on a run in a read-only folder", () => {
  it("mull report reads it (it only reads), creating nothing beside it", async () => {
    const before = readdirSync(readOnlyRun).sort();
    const html = join(outputs, "report.html");
    const report = await runNodeUnprivileged([mullBin, "report", readOnlyRun, "--out", html]);
    expect(report.stderr).not.toContain("database corrupt");
    expect(report.status).toBe(0);
    expect(existsSync(html)).toBe(true);
    expect(readdirSync(readOnlyRun).sort()).toEqual(before);
  });

  it("mull replay --run replays it", async () => {
    const replay = await runNodeUnprivileged([
      mullBin,
      "replay",
      "--run",
      readOnlyRun,
      "--strategies",
      "maj@2",
    ]);
    expect(replay.stderr).not.toContain("database corrupt");
    expect(replay.status).toBe(0);
    expect(replay.stdout).toMatch(/maj@2 +100\.0 /);
  });
});

if (unprivilegedMissing !== undefined) it.skip(`read-only files: ${unprivilegedMissing}`, () => {});
