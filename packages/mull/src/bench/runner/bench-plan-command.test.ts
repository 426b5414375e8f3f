import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";

// The real `mull` entry point, on the Node running these tests.
const mullBin = resolve(import.meta.dirname, "../../../../cli/bin/mull.js");

let workspace: string;
let server: FakeOpenAIServer;
let datasetFile: string;

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), "mull-bench-identical-"));
  server = await startFakeOpenAIServer({ models: ["fake-model"] });
  datasetFile = join(workspace, "sums.jsonl");
  writeFileSync(
    datasetFile,
    `${JSON.stringify({ id: "a", question: "What is 2 plus 2?", answer: "4" })}\n` +
      `${JSON.stringify({ id: "b", question: "What is 3 plus 4?", answer: "7" })}\n`,
  );
});

afterAll(async () => {
  await server?.close();
  rmSync(workspace, { recursive: true, force: true });
});

/** Runs `mull bench` against the fake server to its end. */
function bench(out: string, extra: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  const args = [
    ...["--dataset", datasetFile, "--base-url", server.url, "--model", "fake-model"],
    ...["--grader", "numeric", "--out", out, ...extra],
  ];
  const child = spawn(process.execPath, [mullBin, "bench", ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolvePromise) => child.on("exit", (code) => resolvePromise({ code, stderr })));
}

const sameSamples =
  "must be above 0 for strategy sc@4, got 0: it draws 4 samples, and at temperature 0 they would all be the same. Use a temperature above 0, or the greedy strategy\n";

describe("mull bench: several samples at temperature 0", () => {
  it("refuses -t 0 up front (exit 2, naming --temperature), creating no run directory and asking nothing", async () => {
    const out = join(workspace, "plain");
    const refused = await bench(out, ["--strategies", "greedy,sc@4", "-t", "0"]);
    expect(refused).toEqual({ code: 2, stderr: `mull: --temperature ${sameSamples}` });
    expect(existsSync(out)).toBe(false);
    expect(
      server.requests.filter((request) => request.endpoint === "chat" || request.endpoint === "completions"),
    ).toEqual([]);
  }, 60_000);

  it("refuses a sweep through 0 up front (exit 2, naming --temperatures), creating no run directory", async () => {
    const out = join(workspace, "swept");
    const refused = await bench(out, ["--strategies", "greedy,sc@4", "--temperatures", "0.5,0"]);
    expect(refused).toEqual({ code: 2, stderr: `mull: --temperatures ${sameSamples}` });
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
