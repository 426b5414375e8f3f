import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { BenchSummary } from "../../bench/runner/index.ts";
import { openSqliteRunStore } from "../../bench/store/index.ts";
import { labDatasetNames } from "../../lab/index.ts";
import { packageVersion, seededRng } from "../../runtime/index.ts";
import {
  type FakeOpenAIRequest,
  type FakeOpenAIServer,
  type FakeReply,
  startFakeOpenAIServer,
} from "../../testing/fake-openai-server.ts";
import { runCli } from "../main.ts";
import { benchCommand, formatBenchSummary } from "./bench.ts";

// The bench runs as a child process through the real `mull` entry point, on the Node running these tests
// (24: type stripping, node:sqlite).
const nodeBinary = process.execPath;
const mullBin = resolve(import.meta.dirname, "../../../../cli/bin/mull.js");

interface BenchProcess {
  readonly child: ChildProcess;
  readonly output: { stdout: string; stderr: string };
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startBench(
  args: readonly string[],
  environment: Record<string, string> = {},
  fileSizeLimitKilobytes?: number,
): BenchProcess {
  const command = [nodeBinary, mullBin, "bench", ...args];
  // `ulimit -f` caps the size of files the process writes (Node ignores SIGXFSZ, so writes fail with EFBIG).
  const child =
    fileSizeLimitKilobytes === undefined
      ? spawn(command[0]!, command.slice(1), {
          env: { ...process.env, ...environment },
          stdio: ["ignore", "pipe", "pipe"],
        })
      : spawn("bash", ["-c", `ulimit -f ${fileSizeLimitKilobytes} && exec "$0" "$@"`, ...command], {
          env: { ...process.env, ...environment },
          stdio: ["ignore", "pipe", "pipe"],
        });
  const output = { stdout: "", stderr: "" };
  child.stdout!.on("data", (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolvePromise) =>
    child.on("exit", (code, signal) => resolvePromise({ code, signal })),
  );
  return { child, output, exited };
}

async function runToEnd(
  args: readonly string[],
  environment: Record<string, string> = {},
  fileSizeLimitKilobytes?: number,
) {
  const bench = startBench(args, environment, fileSizeLimitKilobytes);
  const { code } = await bench.exited;
  return { code, ...bench.output };
}

/** Runs `mull bench` in this process through the CLI's entry function, capturing its output. */
async function runInProcess(args: readonly string[], environment: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const saved = Object.fromEntries(Object.keys(environment).map((name) => [name, process.env[name]]));
  Object.assign(process.env, environment);
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await runCli(["node", "mull", "bench", ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** Polls until `condition` holds; fails at once (with its output) if `bench` exits first. */
async function waitFor(
  condition: () => boolean,
  what: string,
  bench?: BenchProcess,
  timeoutMilliseconds = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMilliseconds;
  while (!condition()) {
    if (bench !== undefined && bench.child.exitCode !== null) {
      throw new Error(`the bench exited (${bench.child.exitCode}) before ${what}:\n${bench.output.stderr}`);
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 10));
  }
}

/** Row counts as another process sees them; 0 while the database does not exist yet. */
function resultCount(directory: string): number {
  const file = join(directory, "bench.sqlite");
  if (!existsSync(file)) return 0;
  const database = new DatabaseSync(file, { readOnly: true, timeout: 5000 });
  try {
    return (database.prepare("SELECT count(*) AS n FROM results").get() as { n: number }).n;
  } catch {
    return 0; // tables not created yet
  } finally {
    database.close();
  }
}

interface StoreCheck {
  readonly integrity: string;
  readonly results: number;
  readonly samples: number;
  /** Samples whose (problem, strategy) has no result, or results whose sample count does not match. */
  readonly partialPairs: number;
  readonly duplicateSamples: number;
}

function checkStore(directory: string): StoreCheck {
  const database = new DatabaseSync(join(directory, "bench.sqlite"));
  try {
    const integrity = (database.prepare("PRAGMA integrity_check").all() as { integrity_check: string }[])
      .map((row) => row.integrity_check)
      .join("; ");
    const count = (sql: string) => (database.prepare(sql).get() as { n: number }).n;
    return {
      integrity,
      results: count("SELECT count(*) AS n FROM results"),
      samples: count("SELECT count(*) AS n FROM samples"),
      partialPairs: count(`
        SELECT count(*) AS n FROM (
          SELECT s.problem_id, s.strategy FROM samples s
          LEFT JOIN results r USING (run_id, problem_id, strategy)
          GROUP BY s.run_id, s.problem_id, s.strategy
          HAVING max(r.samples) IS NULL OR count(*) != max(r.samples)
        )`),
      duplicateSamples: count(`
        SELECT count(*) AS n FROM (
          SELECT 1 FROM samples GROUP BY run_id, problem_id, strategy, sample_index HAVING count(*) > 1
        )`),
    };
  } finally {
    database.close();
  }
}

/** Everything that a run's results are, without run ids and latencies. */
function dumpResults(directory: string): unknown {
  const database = new DatabaseSync(join(directory, "bench.sqlite"), { readOnly: true });
  try {
    return {
      results: database
        .prepare(
          `SELECT problem_id, strategy, seed, answer, correct, samples, prompt_tokens, completion_tokens, calls,
             score_calls, stopped_by, verifier_accepted FROM results ORDER BY problem_id, strategy`,
        )
        .all(),
      samples: database
        .prepare(
          `SELECT problem_id, strategy, sample_index, seed, text, answer, correct, completion_tokens, finish_reason,
             logprob, scores_json FROM samples ORDER BY problem_id, strategy, sample_index`,
        )
        .all(),
      problems: database
        .prepare("SELECT problem_id, position, question, gold FROM problems ORDER BY position")
        .all(),
    };
  } finally {
    database.close();
  }
}

const questionPattern = /What is (\d+) plus (\d+)\?/;

/** A deterministic upstream: each choice depends only on the prompt, seed, temperature and choice index. */
function deterministicReply(request: FakeOpenAIRequest): FakeReply {
  const match = questionPattern.exec(request.prompt);
  if (match === null) return { choices: Array.from({ length: request.n }, () => "ok") };
  const [, a, b] = match;
  const truth = Number(a) + Number(b);
  const seed = request.body?.seed ?? "none";
  const temperature = request.body?.temperature ?? 1;
  const choices = Array.from({ length: request.n }, (_, index) => {
    const digest = createHash("sha256").update(`${seed}|${temperature}|${index}|${request.prompt}`).digest();
    const draw = digest.readUInt32BE(0) / 2 ** 32;
    const answer = temperature === 0 || draw < 0.6 ? truth : truth + 1 + (digest[4]! % 3);
    return `We add ${a} and ${b}.\n#### ${answer}`;
  });
  return { choices, delivery: { headerDelayMilliseconds: 10 } };
}

function isQuestion(request: FakeOpenAIRequest): boolean {
  return questionPattern.test(request.prompt);
}

let workspace: string;
let server: FakeOpenAIServer;
let datasetFile: string;
// The default is sized for CI; MULL_BENCH_CRASH_PROBLEMS=2000 MULL_BENCH_CRASH_KILLS=20
// MULL_BENCH_CRASH_STRATEGIES=sc@8 runs the full crash test of RELIABILITY.md (16,000 samples).
const problemCount = Number(process.env.MULL_BENCH_CRASH_PROBLEMS ?? 80);
const crashKills = Number(process.env.MULL_BENCH_CRASH_KILLS ?? 6);
const crashStrategies = process.env.MULL_BENCH_CRASH_STRATEGIES ?? "greedy,sc@4";

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), "mull-bench-cli-"));
  server = await startFakeOpenAIServer({
    models: ["fake-model", "other-model"],
    handler: deterministicReply,
  });
  datasetFile = join(workspace, "sums.jsonl");
  const rng = seededRng(5);
  const rows = Array.from({ length: problemCount }, (_, index) => {
    const a = Math.floor(rng.next() * 500);
    const b = Math.floor(rng.next() * 500);
    return JSON.stringify({ id: `sum-${index}`, question: `What is ${a} plus ${b}?`, answer: String(a + b) });
  });
  writeFileSync(datasetFile, `${rows.join("\n")}\n`);
});

afterAll(async () => {
  await server?.close();
  rmSync(workspace, { recursive: true, force: true });
});

function benchArgs(out: string, extra: readonly string[] = []): string[] {
  return [
    "--dataset",
    datasetFile,
    "--base-url",
    server.url,
    "--model",
    "fake-model",
    "--out",
    out,
    "--seed",
    "3",
    "--temperature",
    "0.8",
    "--concurrency",
    "2",
    "--grader",
    "numeric",
    ...extra,
  ];
}

describe("mull bench: crash safety", () => {
  it(`survives ${crashKills} kills (-9) at random points, some inside a write, and resumes to the uninterrupted run's results`, async () => {
    const strategies = crashStrategies.split(",");
    const samplesPerProblem = strategies.reduce(
      (sum, spec) => sum + (spec === "greedy" ? 1 : Number(spec.split("@")[1])),
      0,
    );
    const pairs = problemCount * strategies.length;
    const args = (out: string, extra: readonly string[] = []) =>
      benchArgs(out, ["--strategies", crashStrategies, ...extra]);
    const reference = join(workspace, "reference");
    const requestsBefore = server.requests.filter(isQuestion).length;
    const referenceStarted = performance.now();
    const uninterrupted = await runInProcess([...args(reference), "--json"]);
    const referenceSeconds = (performance.now() - referenceStarted) / 1000;
    expect(uninterrupted.stderr).not.toContain("mull:");
    expect(uninterrupted.code).toBe(0);
    const referenceRequests = server.requests.filter(isQuestion).length - requestsBefore;
    const referenceSummary = JSON.parse(uninterrupted.stdout);
    expect(referenceSummary.pairs).toEqual({ total: pairs, skipped: 0, recorded: pairs });

    const out = join(workspace, "killed");
    const killedRequestsBefore = server.requests.filter(isQuestion).length;
    const rng = seededRng(11);
    let lastResults = 0;
    let insideWrites = 0;
    // Spread the kills over the run, keeping a margin so that no session finishes before its kill.
    const step = Math.max(2, Math.floor((pairs - 20) / (crashKills + 1)));
    for (let kill = 0; kill < crashKills; kill += 1) {
      const insideWrite = kill % 3 === 1;
      const pauseAt = 1 + Math.floor(rng.next() * Math.min(step, 20));
      // The first session starts the run; the others continue it.
      const bench = startBench(
        args(out, kill === 0 ? [] : ["--resume"]),
        insideWrite ? { MULL_BENCH_PAUSE_BEFORE_COMMIT: String(pauseAt) } : {},
      );
      let pausedPair: [string, string] | undefined;
      if (insideWrite) {
        await waitFor(
          () => bench.output.stderr.includes("paused before commit"),
          "a pause inside a write",
          bench,
        );
        pausedPair = JSON.parse(/paused before commit \d+ \((.*)\)\n/.exec(bench.output.stderr)![1]!);
        insideWrites += 1;
      } else {
        const target = Math.min(lastResults + 1 + Math.floor(rng.next() * step), pairs - 10);
        await waitFor(() => resultCount(out) >= target, `${target} results`, bench);
        await new Promise((resolvePromise) => setTimeout(resolvePromise, Math.floor(rng.next() * 30)));
      }
      bench.child.kill("SIGKILL");
      const { signal } = await bench.exited;
      expect(signal).toBe("SIGKILL");
      const check = checkStore(out);
      expect(check.integrity).toBe("ok");
      expect(check.partialPairs).toBe(0);
      expect(check.duplicateSamples).toBe(0);
      expect(check.results).toBeGreaterThanOrEqual(lastResults);
      lastResults = check.results;
      if (pausedPair !== undefined) {
        // The pair paused inside its transaction left nothing behind.
        const database = new DatabaseSync(join(out, "bench.sqlite"), { readOnly: true });
        const rows = database
          .prepare("SELECT count(*) AS n FROM samples WHERE problem_id = ? AND strategy = ?")
          .get(...pausedPair) as { n: number };
        database.close();
        expect(rows.n).toBe(0);
      }
    }
    expect(lastResults).toBeLessThan(pairs);

    const final = await runToEnd([...args(out, ["--resume"]), "--json"]);
    expect(final.stderr).not.toContain("mull:");
    expect(final.code).toBe(0);
    expect(final.stderr).toContain(`resuming, ${lastResults}/${pairs} pairs already recorded`);
    expect(checkStore(out)).toEqual({
      integrity: "ok",
      results: pairs,
      samples: problemCount * samplesPerProblem,
      partialPairs: 0,
      duplicateSamples: 0,
    });
    expect(dumpResults(out)).toEqual(dumpResults(reference));
    expect(JSON.parse(final.stdout).strategies).toEqual(referenceSummary.strategies);

    // Upstream work lost to kills is bounded by what was in flight: at most `concurrency` (2) pairs per
    // kill, each one request (the fake server has native n).
    const killedRequests = server.requests.filter(isQuestion).length - killedRequestsBefore;
    expect(killedRequests).toBeGreaterThanOrEqual(referenceRequests);
    expect(killedRequests).toBeLessThanOrEqual(referenceRequests + crashKills * 2);
    console.info(
      `kill-and-resume: ${problemCount} problems x ${crashStrategies} = ${pairs} pairs, ` +
        `${problemCount * samplesPerProblem} samples; ${crashKills} kills (${insideWrites} inside a write); ` +
        `upstream requests ${killedRequests} vs ${referenceRequests} uninterrupted ` +
        `(bound ${referenceRequests + crashKills * 2}); uninterrupted run ${referenceSeconds.toFixed(1)} s`,
    );
  }, 900_000);
});

/** A lab model for the embedded crash test: the shipped `lab-small`, or `MULL_TEST_MODEL`. */
function embeddedModel(): string | undefined {
  const shipped = resolve(import.meta.dirname, "../../../../llama-cpp/models/lab-small.gguf");
  if (existsSync(shipped)) return "lab-small";
  const given = process.env.MULL_TEST_MODEL;
  return given !== undefined && existsSync(given) ? given : undefined;
}

describe("mull bench: crash safety on the embedded lab model", () => {
  const model = embeddedModel();
  it.skipIf(model === undefined)(
    "resumes after kill -9 (one inside a write) to the same results as an uninterrupted run",
    async () => {
      const args = (out: string, extra: readonly string[] = []) => [
        "--dataset",
        "lab:3",
        "--limit",
        "12",
        "--strategies",
        "greedy,sc@4",
        "--model",
        model!,
        "--threads",
        "1",
        "--temperature",
        "1.0",
        "--concurrency",
        "2",
        "--out",
        out,
        ...extra,
      ];
      const reference = join(workspace, "embedded-reference");
      const uninterrupted = await runToEnd(args(reference));
      expect(uninterrupted.stderr).not.toContain("mull:");
      expect(uninterrupted.code).toBe(0);
      const out = join(workspace, "embedded-killed");
      let bench = startBench(args(out));
      await waitFor(() => resultCount(out) >= 3, "3 results", bench);
      bench.child.kill("SIGKILL");
      await bench.exited;
      bench = startBench(args(out, ["--resume"]), { MULL_BENCH_PAUSE_BEFORE_COMMIT: "2" });
      await waitFor(
        () => bench.output.stderr.includes("paused before commit"),
        "a pause inside a write",
        bench,
      );
      bench.child.kill("SIGKILL");
      await bench.exited;
      const check = checkStore(out);
      expect(check).toMatchObject({ integrity: "ok", partialPairs: 0, duplicateSamples: 0 });
      expect(check.results).toBeLessThan(24);
      const final = await runToEnd(args(out, ["--resume"]));
      expect(final.code).toBe(0);
      expect(checkStore(out)).toMatchObject({
        integrity: "ok",
        results: 24,
        samples: 12 * 5,
        partialPairs: 0,
      });
      expect(dumpResults(out)).toEqual(dumpResults(reference));
    },
    300_000,
  );
  if (model === undefined) {
    it.skip("no lab model: ship packages/llama-cpp/models/lab-small.gguf or set MULL_TEST_MODEL", () => {});
  }
});

describe("mull bench: refusals", () => {
  it("refuses a resume with a changed configuration and shows the diff (exit 2)", async () => {
    const out = join(workspace, "config-change");
    const first = await runInProcess(benchArgs(out, ["--limit", "3"]));
    expect(first.code).toBe(0);
    const changed = await runInProcess([
      ...benchArgs(out, ["--limit", "3", "--resume"]).filter(
        (arg) => arg !== "0.8" && arg !== "--temperature",
      ),
      "--temperature",
      "1.2",
      "--model",
      "other-model",
    ]);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toContain("its configuration changed");
    expect(changed.stderr).toContain('backend.model: "fake-model" → "other-model"');
    expect(changed.stderr).toContain("sampling.temperature: 0.8 → 1.2");
    const again = await runInProcess(benchArgs(out, ["--limit", "3"]));
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("pass --resume to continue it");
  }, 60_000);

  it("refuses a resume with another version of mull than the run records, naming both (exit 2)", async () => {
    const out = join(workspace, "version-change");
    const first = await runInProcess(benchArgs(out, ["--limit", "3"]));
    expect(first.code).toBe(0);
    // As if an earlier mull had recorded the run.
    const store = openSqliteRunStore(out);
    try {
      await store.updateManifest((manifest) => ({
        ...manifest,
        versions: { ...manifest.versions, mull: "0.0.1" },
      }));
    } finally {
      await store.close();
    }
    const resumed = await runInProcess(benchArgs(out, ["--limit", "3", "--resume"]));
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toContain(
      `mull: cannot resume the run in ${out}: it was recorded with other versions than this process runs ` +
        `(stored → current), which can change its results:\n  versions.mull: "0.0.1" → "${packageVersion()}"\n`,
    );
    expect(existsSync(join(out, "run.lock"))).toBe(false);
  }, 60_000);

  it("fails cleanly when the disk is full (file size capped), and a resume with room finishes the run", async () => {
    const reference = join(workspace, "full-disk-reference");
    const out = join(workspace, "full-disk");
    const args = (directory: string, extra: readonly string[] = []) =>
      benchArgs(directory, ["--limit", "25", "--strategies", "greedy,sc@4", ...extra]);
    expect((await runInProcess(args(reference))).code).toBe(0);
    const full = await runToEnd(args(out), {}, 160);
    expect(full.code).toBe(1);
    expect(full.stderr).toContain(
      `failed: cannot write ${join(out, "bench.sqlite")}: the disk is full or a file-size limit was hit ` +
        "(disk I/O error); free some space or raise the limit (ulimit -f); what was recorded before is intact",
    );
    expect(full.stderr).toMatch(/^mull: recording problem \S+, strategy \S+ failed: cannot write /m);
    const partial = checkStore(out);
    expect(partial).toMatchObject({ integrity: "ok", partialPairs: 0, duplicateSamples: 0 });
    expect(partial.results).toBeGreaterThan(0);
    expect(partial.results).toBeLessThan(50);
    const resumed = await runToEnd(args(out, ["--resume"]));
    expect(resumed.code).toBe(0);
    expect(checkStore(out)).toMatchObject({ integrity: "ok", results: 50, samples: 125, partialPairs: 0 });
    expect(dumpResults(out)).toEqual(dumpResults(reference));
  }, 120_000);

  it.each([
    ["SIGINT", "bench: interrupted; finishing the current write (Ctrl-C again to quit now)"],
    [
      "SIGTERM",
      "bench: interrupted (SIGTERM); finishing the current write (SIGTERM or Ctrl-C again to quit now)",
    ],
  ] as const)(
    "stops on %s without recording pairs in flight, and says how to resume",
    async (signal, line) => {
      const out = join(workspace, `interrupted-${signal}`);
      const bench = startBench(benchArgs(out, ["--strategies", "greedy,sc@4"]));
      await waitFor(() => resultCount(out) >= 5, "5 results", bench);
      bench.child.kill(signal);
      const { code } = await bench.exited;
      expect(code).toBe(1);
      expect(bench.output.stderr).toContain(`${line}\n`);
      expect(bench.output.stderr).toMatch(
        /mull: interrupted: \d+ of 160 pairs recorded in .*; continue with the same flags and --resume/,
      );
      const check = checkStore(out);
      expect(check).toMatchObject({ integrity: "ok", partialPairs: 0, duplicateSamples: 0 });
      expect(check.results).toBeLessThan(160);
      expect(existsSync(join(out, "run.lock"))).toBe(false);
      const resumed = await runInProcess(benchArgs(out, ["--strategies", "greedy,sc@4", "--resume"]));
      expect(resumed.code).toBe(0);
      expect(checkStore(out).results).toBe(160);
    },
    60_000,
  );

  it("stops as an interrupt does when the reader of its output goes (2>&1 | head -n 1): exit 1, lock released", async () => {
    const out = join(workspace, "closed-pipe");
    const args = benchArgs(out, ["--strategies", "greedy,sc@4", "--concurrency", "1"]);
    const bench = startBench(args);
    // Both streams are one pipe under `2>&1 | head`: the reader closes it after the first line.
    bench.child.stderr!.once("data", () => {
      bench.child.stderr!.destroy();
      bench.child.stdout!.destroy();
    });
    const { code, signal } = await bench.exited;
    expect({ code, signal }).toEqual({ code: 1, signal: null });
    expect(existsSync(join(out, "run.lock"))).toBe(false);
    const check = checkStore(out);
    expect(check).toMatchObject({ integrity: "ok", partialPairs: 0, duplicateSamples: 0 });
    expect(check.results).toBeLessThan(160);
    const resumed = await runInProcess([...args, "--resume"]);
    expect(resumed.code).toBe(0);
    expect(checkStore(out).results).toBe(160);
  }, 60_000);

  it("refuses --resume where a crash left the run's tables but no run, and creates none (exit 2)", async () => {
    const out = join(workspace, "crashed-at-start");
    // What `kill -9` in the first moments of a run leaves: the database and its tables, no run recorded.
    await openSqliteRunStore(out).close();
    const resumed = await runInProcess(benchArgs(out, ["--limit", "3", "--resume"]));
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toBe(
      `mull: --resume: ${out} holds no run to continue; leave out --resume to start one\n`,
    );
    const database = new DatabaseSync(join(out, "bench.sqlite"), { readOnly: true });
    try {
      expect(database.prepare("SELECT count(*) AS n FROM runs").get()).toEqual({ n: 0 });
    } finally {
      database.close();
    }
  });

  it("keeps the API key out of the database, the manifest and the output", async () => {
    const out = join(workspace, "canary");
    const canary = "sk-CANARY-4f1c2b9e";
    const run = await runInProcess(
      benchArgs(out, ["--limit", "4", "--api-key-env", "MULL_TEST_CANARY_KEY", "--json"]),
      {
        MULL_TEST_CANARY_KEY: canary,
      },
    );
    expect(run.code).toBe(0);
    const authorization = server.requests.at(-1)!.headers.authorization;
    expect(authorization).toBe(`Bearer ${canary}`);
    for (const name of readdirSync(out)) {
      expect(readFileSync(join(out, name)).includes(canary), name).toBe(false);
    }
    expect(`${run.stdout}${run.stderr}`).not.toContain(canary);
    expect(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")).backend).toMatchObject({
      kind: expect.any(String),
      model: "fake-model",
    });
  }, 60_000);

  it("tells a second process which pid holds the run", async () => {
    const out = join(workspace, "locked");
    const holder = startBench(benchArgs(out, ["--limit", "10"]), { MULL_BENCH_PAUSE_BEFORE_COMMIT: "1" });
    try {
      await waitFor(
        () => holder.output.stderr.includes("paused before commit"),
        "the first process to hold the lock",
        holder,
      );
      const second = await runInProcess(benchArgs(out, ["--limit", "10", "--resume"]));
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`run in progress (pid ${holder.child.pid}`);
    } finally {
      holder.child.kill("SIGKILL");
      await holder.exited;
    }
  }, 60_000);

  it("names the file, line and field of a bad dataset row (exit 2)", async () => {
    const bad = join(workspace, "bad.jsonl");
    writeFileSync(
      bad,
      '{"id":"a","question":"What is 1 plus 2?","answer":"3"}\n{"id":"b","question":"What is 2 plus 2?"}\n',
    );
    const missing = await runInProcess([
      "--dataset",
      bad,
      "--out",
      join(workspace, "bad-run"),
      "--base-url",
      server.url,
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`${bad}:2: field "answer": expected an answer`);
    writeFileSync(bad, '{"id":"a","question":"q","answer":"3"}\n{"id":"a","question":"q2","answer":"4"}\n');
    const duplicate = await runInProcess([
      "--dataset",
      bad,
      "--out",
      join(workspace, "bad-run"),
      "--base-url",
      server.url,
    ]);
    expect(duplicate.stderr).toContain(`${bad}:2: field "id": duplicate id "a" (first seen at line 1)`);
    writeFileSync(bad, '{"id":"a","question":"q","answer":"3"}\n{"id": oops}\n');
    const malformed = await runInProcess([
      "--dataset",
      bad,
      "--out",
      join(workspace, "bad-run"),
      "--base-url",
      server.url,
    ]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain(`${bad}:2: not valid JSON`);
  }, 60_000);

  it("--search chooses among strategies by successive halving, each stage a run under --out, and resumes", async () => {
    const out = join(workspace, "search");
    const args = benchArgs(out, ["--limit", "40", "--strategies", "sc@{1,3,5},greedy", "--search", "--json"]);
    const searched = await runInProcess(args);
    expect(searched.stderr).not.toContain("mull:");
    expect(searched.code).toBe(0);
    const result = JSON.parse(searched.stdout);
    // Greedy decoding is always right upstream, and a sample at 0.8 only 60% of the time.
    expect(result.chosen).toMatchObject({ spec: "greedy", searchObjective: 1 });
    expect(
      result.rounds.map((round: { problems: number; kept: string[] }) => [round.problems, round.kept.length]),
    ).toEqual([
      [10, 2],
      [20, 1],
    ]);
    expect(result.rounds[0].standings.map((standing: { spec: string }) => standing.spec).sort()).toEqual([
      "greedy",
      "sc@1",
      "sc@3",
      "sc@5",
    ]);
    expect(JSON.parse(readFileSync(join(out, "search.json"), "utf8"))).toEqual(result);
    expect(readdirSync(out).sort()).toEqual(["holdout-1-1", "round-1", "round-2", "search.json"]);
    // Round 1 ran four strategies on 10 problems; round 2 the better two on the next 10.
    expect(resultCount(join(out, "round-1"))).toBe(40);
    expect(resultCount(join(out, "round-2"))).toBe(20);
    expect(resultCount(join(out, "holdout-1-1"))).toBe(20);

    const requestsBefore = server.requests.filter(isQuestion).length;
    const resumed = await runInProcess([...args, "--resume"]);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toEqual(result);
    expect(server.requests.filter(isQuestion).length).toBe(requestsBefore);
    const again = await runInProcess(args);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("pass --resume to continue it");
  }, 120_000);

  it("refuses --search flags that do not go together, naming the flag", async () => {
    const out = join(workspace, "search-flags");
    const holdout = await runInProcess(benchArgs(out, ["--strategies", "greedy,sc@2", "--holdout", "0.3"]));
    expect(holdout.code).toBe(2);
    expect(holdout.stderr).toContain("--holdout applies to --search only");
    const single = await runInProcess(benchArgs(out, ["--strategies", "sc@2", "--search"]));
    expect(single.code).toBe(2);
    expect(single.stderr).toContain("--search chooses among two or more strategies; --strategies gives 1");
    const empty = await runInProcess(
      benchArgs(out, ["--limit", "4", "--strategies", "greedy,sc@2", "--search", "--holdout", "1"]),
    );
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("--holdout 1 of 4 problems leaves 0 to search and 4 to hold out");
    const braces = await runInProcess(benchArgs(out, ["--strategies", "sc@{2,4", "--search"]));
    expect(braces.code).toBe(2);
    expect(braces.stderr).toContain('the pattern "sc@{2,4" has a "{" without its "}"');
  }, 60_000);

  it("refuses an --out that is a file, another tool's database, or a run whose database is empty (exit 2)", async () => {
    const requests = server.requests.length;
    const notes = join(workspace, "notes.txt");
    writeFileSync(notes, "keep me");
    const file = await runInProcess(benchArgs(notes));
    expect(file.code).toBe(2);
    expect(file.stderr).toBe(
      `mull: --out ${JSON.stringify(notes)}: that is a file, not a directory; give a directory (mull writes its files inside it)\n`,
    );
    expect(readFileSync(notes, "utf8")).toBe("keep me");
    const foreign = join(workspace, "foreign");
    mkdirSync(foreign);
    const database = new DatabaseSync(join(foreign, "bench.sqlite"));
    database.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')");
    database.close();
    const foreignBytes = readFileSync(join(foreign, "bench.sqlite"));
    const emptied = join(workspace, "emptied");
    mkdirSync(emptied);
    writeFileSync(join(emptied, "bench.sqlite"), "");
    const manifest = `${JSON.stringify({ runId: "run-earlier" }, null, 2)}\n`;
    writeFileSync(join(emptied, "manifest.json"), manifest);
    for (const resume of [[], ["--resume"]]) {
      const other = await runInProcess(benchArgs(foreign, resume));
      expect(other.code).toBe(2);
      expect(other.stderr).toContain(`${join(foreign, "bench.sqlite")} is not a mull run database`);
      const lost = await runInProcess(benchArgs(emptied, resume));
      expect(lost.code).toBe(2);
      expect(lost.stderr).toContain(
        `database corrupt: ${join(emptied, "bench.sqlite")}: the file is empty (0 bytes), but ${join(emptied, "manifest.json")} records run run-earlier there`,
      );
    }
    expect(readFileSync(join(foreign, "bench.sqlite")).equals(foreignBytes)).toBe(true);
    expect(existsSync(join(foreign, "manifest.json"))).toBe(false);
    expect(readFileSync(join(emptied, "manifest.json"), "utf8")).toBe(manifest);
    expect(readFileSync(join(emptied, "bench.sqlite")).length).toBe(0);
    // Nothing was generated for any of them.
    expect(server.requests.slice(requests).filter((request) => request.endpoint !== "models")).toEqual([]);
  }, 60_000);

  it("rejects bad flags naming the flag and the value (exit 2)", async () => {
    const out = join(workspace, "flags");
    const concurrency = await runInProcess(["--dataset", datasetFile, "--out", out, "--concurrency", "0"]);
    expect(concurrency.code).toBe(2);
    expect(concurrency.stderr).toContain("--concurrency");
    expect(concurrency.stderr).toContain('"0"');
    const temperatures = await runInProcess([
      "--dataset",
      datasetFile,
      "--out",
      out,
      "--temperatures",
      "0.5,hot",
    ]);
    expect(temperatures.code).toBe(2);
    expect(temperatures.stderr).toContain("0.5,hot");
    const backend = await runInProcess(["--dataset", datasetFile, "--out", out, "--backend", "openai"]);
    expect(backend.code).toBe(2);
    expect(backend.stderr).toContain("--backend openai needs --base-url");
    const unknown = await runInProcess(["--dataset", datasetFile, "--out", out, "--nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--nope");
  }, 60_000);
});

describe("formatBenchSummary", () => {
  it("prints one aligned row per strategy, with unknown token counts said as such", () => {
    const summary: BenchSummary = {
      runId: "run-1",
      dataset: "gsm8k",
      problems: 3,
      strategies: [
        {
          strategy: "greedy",
          problems: 3,
          correct: 2,
          answered: 3,
          accuracy: 2 / 3,
          samples: 3,
          tokens: { prompt: 30, completion: 15, total: 45, perProblem: 15, completionPerProblem: 5 },
          calls: 3,
          scoreCalls: 0,
        },
        {
          strategy: "sc@16@t1.0",
          problems: 0,
          correct: 0,
          answered: 0,
          accuracy: undefined,
          samples: 0,
          tokens: {
            prompt: 0,
            completion: undefined,
            total: undefined,
            perProblem: undefined,
            completionPerProblem: undefined,
          },
          calls: 0,
          scoreCalls: 0,
        },
      ],
    };
    expect(formatBenchSummary(summary).split("\n")).toEqual([
      "gsm8k: 3 problems (run run-1)",
      "strategy    accuracy  problems  samples   tokens  tokens/problem  completion tokens/problem",
      "greedy         66.7%         3        3       45              15                          5",
      "sc@16@t1.0         -         0        0  unknown         unknown                    unknown",
    ]);
  });

  it("adds an answered column when a strategy abstained on problems", () => {
    const tokens = { prompt: 30, completion: 15, total: 45, perProblem: 15, completionPerProblem: 5 };
    const line = { problems: 3, samples: 3, tokens, calls: 3, scoreCalls: 3 };
    const summary: BenchSummary = {
      runId: "run-2",
      dataset: "lab:hard",
      problems: 3,
      strategies: [
        { ...line, strategy: "bon@4", correct: 2, answered: 3, accuracy: 2 / 3 },
        { ...line, strategy: "accept@4", correct: 2, answered: 2, accuracy: 2 / 3 },
      ],
    };
    const lines = formatBenchSummary(summary).split("\n");
    expect(lines[1]).toMatch(/^strategy\s+accuracy\s+answered\s+problems/);
    expect(lines[2]).toMatch(/^bon@4\s+66\.7%\s+3\s+3\s/);
    expect(lines[3]).toMatch(/^accept@4\s+66\.7%\s+2\s+3\s/);
  });
});

describe("mull bench: flags named in refusals", () => {
  it("refuses --resume where --out holds no run (missing, empty, or a search without its first round)", async () => {
    const missing = join(workspace, "resume-missing");
    const run = await runInProcess(benchArgs(missing, ["--resume"]));
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `mull: --resume: ${missing} holds no run to continue; leave out --resume to start one\n`,
    );
    expect(existsSync(missing)).toBe(false);
    const empty = join(workspace, "resume-empty");
    mkdirSync(empty);
    expect((await runInProcess(benchArgs(empty, ["--resume"]))).stderr).toBe(
      `mull: --resume: ${empty} holds no run to continue; leave out --resume to start one\n`,
    );
    const search = await runInProcess(
      benchArgs(empty, ["--resume", "--search", "--strategies", "greedy,sc@2"]),
    );
    expect(search.code).toBe(2);
    expect(search.stderr).toContain(
      `--resume: ${empty} holds no --search output to continue (no run in ${join(empty, "round-1")})`,
    );
  });

  it("refuses queue flags without --queue, a queue name BullMQ refuses, and an empty --store, creating no run", async () => {
    const out = join(workspace, "queue-flags");
    // Never reached: every refusal comes before the queue is opened.
    const queue = ["--queue", "redis://127.0.0.1:1"];
    for (const [flag, extra] of [
      ["--wait", ["--wait"]],
      ["--queue-name", ["--queue-name", "foo"]],
    ] as const) {
      const alone = await runInProcess(benchArgs(out, [...extra]));
      expect(alone.code).toBe(2);
      expect(alone.stderr).toBe(`mull: ${flag} applies to --queue runs only\n`);
    }
    for (const name of ["", "runs:gsm8k"]) {
      const refused = await runInProcess(benchArgs(out, [...queue, "--queue-name", name]));
      expect(refused.code).toBe(2);
      expect(refused.stderr).toBe(
        `mull: --queue-name ${JSON.stringify(name)}: expected a BullMQ queue name: not empty, without ':' ` +
          "(BullMQ joins its Redis keys with it), e.g. mull-bench\n",
      );
    }
    const store = await runInProcess(benchArgs(out, ["--store", ""]));
    expect(store.code).toBe(2);
    expect(store.stderr).toBe(
      'mull: --store "": expected a PostgreSQL URL such as postgres://user:password@host:5432/database ' +
        "(leave --store out for a run directory)\n",
    );
    expect(existsSync(out)).toBe(false);
  });

  it("lists every lab dataset in --dataset's help, from the lab's own list", () => {
    const help = benchCommand().options.find((option) => option.long === "--dataset")?.description;
    expect(help).toBe(`gsm8k | math500 | aime24 | ${labDatasetNames.join(" | ")} | PATH.jsonl | PATH.json`);
    expect(help).toContain("lab:two-digit");
  });

  it("names --dataset and --strategies for a lab dataset and a spec that do not exist (exit 2)", async () => {
    // A fresh nested --out: its check makes the folders to try a write there, and removes them again.
    const named = join(workspace, "named");
    const out = join(named, "run");
    const dataset = await runInProcess(["--dataset", "lab:7", "--out", out]);
    expect(dataset.code).toBe(2);
    expect(dataset.stderr).toMatch(/^mull: --dataset lab:7: not a lab dataset; expected one of lab:1, /);
    const strategy = await runInProcess(benchArgs(out, ["--strategies", "greedy,scc@4"]));
    expect(strategy.code).toBe(2);
    expect(strategy.stderr).toMatch(/^mull: --strategies: unknown spec "scc@4"; expected one of /);
    expect(existsSync(named)).toBe(false);
  });

  it.each([
    [
      "cascade@8t2:other-model>fake-model",
      '"cascade@8t2:other-model>fake-model" gives T = 2 in cascade@NtT; expected a number above 0 and at most 1',
    ],
    [
      "bild@0.5:other-model>fake-model>third-model",
      '"bild@0.5:other-model>fake-model>third-model": bigLittleDecoder: models must be exactly two, the small model ' +
        "then the large one (lab-small>lab-large), got 3 (other-model>fake-model>third-model); only a cascade " +
        "routes through more models (cascade@8:a>b>c)",
    ],
  ])("names --strategies for a routed spec its route cannot run, before a model or run is touched: %s (exit 2)", async (spec, message) => {
    const out = join(workspace, "routed-refusal");
    const before = server.requests.length;
    const run = await runInProcess(benchArgs(out, ["--strategies", `greedy,${spec}`]));
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`mull: --strategies: ${message}\n`);
    // Not even the server's model list was asked for: no backend was made.
    expect(server.requests.slice(before)).toEqual([]);
    expect(existsSync(out)).toBe(false);
  });

  it("asks for a small model of the server for a routing spec without one, naming --strategies", async () => {
    const run = await runInProcess(benchArgs(join(workspace, "unrouted"), ["--strategies", "cascade@4"]));
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "mull: --strategies cascade@4 routes from a smaller model to fake-model; give a small model of the same " +
        'server (--small-model NAME), or name the models after the spec, smallest first ("cascade@4:SMALL>fake-model")\n',
    );
  });
});
