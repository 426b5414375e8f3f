import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  runNodeUnprivileged,
  unprivilegedMissing,
  unprivilegedOutcome,
} from "../bench/store/unprivileged-process.test-support.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { mullBin } from "./commands/mull-process.test-support.ts";

let workspace: string;
let server: FakeOpenAIServer;
let datasetFile: string;
/** A question the server refuses (HTTP 400) while set: the run it is asked in stops before its end. */
let refusedQuestion: string | undefined;

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), "mull-check-run-directory-writable-"));
  chmodSync(workspace, 0o777);
  server = await startFakeOpenAIServer({
    models: ["fake-model"],
    handler: (request) =>
      refusedQuestion !== undefined && request.prompt.includes(refusedQuestion)
        ? { status: 400, message: "this problem is refused" }
        : "The answer is 4.",
  });
  datasetFile = join(workspace, "sums.jsonl");
  const rows = [1, 2, 3].map((index) =>
    JSON.stringify({ id: `p${index}`, question: `${index}+${4 - index}?`, answer: "4" }),
  );
  writeFileSync(datasetFile, `${rows.join("\n")}\n`);
  chmodSync(datasetFile, 0o644);
});

afterAll(async () => {
  await server?.close();
  rmSync(workspace, { recursive: true, force: true });
});

/** `mull bench` on the fake server, as a user whom file modes bind. */
function bench(out: string, extra: readonly string[] = []) {
  const args = ["--dataset", datasetFile, "--base-url", server.url, "--model", "fake-model"];
  return runNodeUnprivileged([mullBin, "bench", ...args, "--strategies", "greedy", "--out", out, ...extra]);
}

/** The requests that generated something (not the model list). */
function generations(): number {
  return server.requests.filter((request) => request.endpoint !== "models").length;
}

describe.runIf(unprivilegedMissing === undefined)("checkRunDirectoryWritable", () => {
  it("refuses --resume of a run whose database mull may not write before any work (exit 2), leaving no -wal or -shm", async () => {
    const out = join(workspace, "run");
    refusedQuestion = "3+1?";
    const first = await bench(out);
    refusedQuestion = undefined;
    expect(first.stderr).toContain("2/3 pairs");
    expect(first.stderr).toContain("continue with --resume");
    expect(first.status).toBe(1);
    const file = join(out, "bench.sqlite");
    chmodSync(file, 0o444);
    const before = readFileSync(file);
    const files = readdirSync(out).sort();
    const requests = generations();
    const resumed = await bench(out, ["--resume"]);
    expect(resumed.stderr).toBe(
      `mull: --out ${JSON.stringify(out)}: cannot write ${file} (permission denied); give a run directory you can write to\n`,
    );
    expect(resumed.status).toBe(2);
    expect(generations()).toBe(requests);
    expect(readdirSync(out).sort()).toEqual(files);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it("checks each stage a search stored under the directory", async () => {
    const out = join(workspace, "search");
    mkdirSync(join(out, "round-1"), { recursive: true });
    chmodSync(out, 0o777);
    chmodSync(join(out, "round-1"), 0o777);
    const stage = join(out, "round-1", "bench.sqlite");
    writeFileSync(stage, "");
    chmodSync(stage, 0o444);
    const module = JSON.stringify(join(import.meta.dirname, "check-run-directory-writable.ts"));
    const check = (stages: boolean) =>
      unprivilegedOutcome(`
        const { checkRunDirectoryWritable } = await import(${module});
        checkRunDirectoryWritable(${JSON.stringify(out)}, "--out", { stages: ${stages} });
      `);
    expect(await check(false)).toEqual({ value: null });
    expect(await check(true)).toEqual({
      error: {
        name: "ConfigError",
        message: `--out ${JSON.stringify(out)}: cannot write ${stage} (permission denied); give a run directory you can write to`,
      },
    });
  });
});

if (unprivilegedMissing !== undefined) it.skip(`read-only files: ${unprivilegedMissing}`, () => {});
