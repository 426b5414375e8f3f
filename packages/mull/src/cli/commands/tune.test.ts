import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { sleep } from "../../runtime/index.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { runCliCaptured } from "./run-cli-captured.test-support.ts";

/**
 * A fake server with `slots` requests served at once, each holding its slot `holdMilliseconds`: its
 * throughput grows with concurrency up to `slots` and no further, while latency keeps growing. Every
 * completion is four tokens.
 */
async function startSlotServer(slots: number, holdMilliseconds: number): Promise<FakeOpenAIServer> {
  let free = slots;
  const waiting: (() => void)[] = [];
  const acquire = async () => {
    if (free > 0) {
      free -= 1;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next === undefined) free += 1;
    else next();
  };
  return startFakeOpenAIServer({
    handler: async (request) => {
      await acquire();
      try {
        await sleep(holdMilliseconds);
      } finally {
        release();
      }
      return { choices: Array.from({ length: request.n }, () => "one two three four") };
    },
  });
}

let server: FakeOpenAIServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("mull tune", () => {
  it("finds the knee at the server's number of slots", async () => {
    // Two slots of 400 ms: concurrency 1 gets half the best throughput, 2 and more all of it but for the
    // client's round trips between requests, which a shared machine can stretch; a knee fraction of 75%
    // leaves room for them.
    server = await startSlotServer(2, 400);
    const run = await runCliCaptured(
      ...["tune", "--base-url", server.url, "--concurrency", "1,2,4,8", "--requests", "8"],
      ...["--knee-fraction", "0.75", "--json"],
    );
    expect(run.stderr).toContain("n=1 concurrency 8:");
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.model).toBe("fake-model");
    expect(report.fraction).toBe(0.75);
    expect(report.levels.map((level: { concurrency: number }) => level.concurrency)).toEqual([1, 2, 4, 8]);
    expect(report.levels.every((level: { errors: number }) => level.errors === 0)).toBe(true);
    expect(report.knees).toHaveLength(1);
    expect(report.knees[0].n).toBe(1);
    expect(report.knees[0].measure).toBe("tokens");
    expect(report.knees[0].concurrency).toBe(2);
  });

  it("sweeps each n as a curve of its own and counts its completions' tokens", async () => {
    server = await startSlotServer(1, 5);
    const run = await runCliCaptured(
      ...["tune", "--base-url", server.url, "--concurrency", "2,1", "--n", "3,1", "--requests", "4"],
      ...["--max-tokens", "8", "--json"],
    );
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    // Lists are sorted: n 1 then 3, concurrency 1 then 2.
    expect(
      report.levels.map((level: { n: number; concurrency: number }) => [level.n, level.concurrency]),
    ).toEqual([
      [1, 1],
      [1, 2],
      [3, 1],
      [3, 2],
    ]);
    // 4 requests × n completions × 4 tokens.
    expect(report.levels.map((level: { completionTokens: number }) => level.completionTokens)).toEqual([
      16, 16, 48, 48,
    ]);
    expect(report.knees.map((knee: { n: number }) => knee.n)).toEqual([1, 3]);
    // The warm-up request, then 4 per level, with n and the token limit sent as asked.
    const generations = server.requests.filter((request) => request.endpoint !== "models");
    expect(generations.map((request) => request.n)).toEqual([
      1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 3, 3, 3, 3, 3, 3,
    ]);
    expect(generations.every((request) => request.body?.max_tokens === 8)).toBe(true);
  });

  it("prints a table with the knee marked, and the knee's line", async () => {
    // One slot: concurrency 4 gains no more than the client's round trips over 1, which a knee fraction of
    // 75% leaves room for, so the curve saturates within the sweep and has a knee to mark.
    server = await startSlotServer(1, 30);
    const run = await runCliCaptured(
      ...["tune", "--base-url", server.url, "--concurrency", "1,4", "--requests", "6", "--warmup", "0"],
      ...["--knee-fraction", "0.75"],
    );
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe(`${server.url} model fake-model, 6 requests per level`);
    expect(lines[1]).toMatch(
      /^n\s+conc\s+requests\s+errors\s+tok\/s\s+req\/s\s+p50 ms\s+p90 ms\s+p99 ms\s+ttft p50$/,
    );
    expect(lines[2]).toMatch(/^1\s+1\*?\s+6\s+0\s+[\d.]+\s+[\d.]+\s+\d+\s+\d+\s+\d+\s+\d+$/);
    expect(lines[3]).toMatch(/^1\s+4\*?\s+6\s+0\s/);
    // One row is marked, the knee the line names.
    const marked = [lines[2], lines[3]].filter((line) => line?.includes("*"));
    expect(marked).toHaveLength(1);
    const knee = /knee n=1: concurrency (\d+) reaches [\d.]+ tok\/s, 75% or more of the best/.exec(
      run.stdout,
    );
    expect(knee?.[1]).toBe(marked[0]?.split(/\s+/)[1]?.replace("*", ""));
  });

  it("says a curve of one concurrency has no knee, in text and in --json", async () => {
    server = await startSlotServer(1, 5);
    const args = [
      "tune",
      "--base-url",
      server.url,
      "--concurrency",
      "2,2",
      "--requests",
      "4",
      "--warmup",
      "0",
    ];
    const text = await runCliCaptured(...args);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^knee n=1: none, one level only \(concurrency 2, [\d.]+ tok\/s\): sweep several/m,
    );
    expect(text.stdout).not.toContain("*");
    const json = await runCliCaptured(...args, "--json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).knees).toEqual([
      expect.objectContaining({ n: 1, saturation: "one-level", concurrency: null, highestConcurrency: 2 }),
    ]);
  });

  it("counts failed requests as errors, finds no knee where every request failed, and exits 1 saying so", async () => {
    server = await startFakeOpenAIServer({ handler: () => ({ status: 503, message: "no capacity" }) });
    const run = await runCliCaptured(
      ...[
        "tune",
        "--base-url",
        server.url,
        "--concurrency",
        "2",
        "--requests",
        "4",
        "--warmup",
        "0",
        "--retries",
        "0",
        "--json",
      ],
    );
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.levels[0].errors).toBe(4);
    expect(report.levels[0].firstError).toContain("no capacity");
    expect(report.knees).toEqual([]);
    expect(run.stderr).toContain("n=1 concurrency 2: all 4 requests failed\n");
    expect(run.stderr).not.toContain("NaN");
    const failure = run.stderr.split("\n").filter((line) => line.startsWith("mull: "));
    expect(failure).toHaveLength(1);
    expect(failure[0]).toMatch(
      /^mull: tune: every request failed at every level \(1\), so there is no knee; first error: .*no capacity/,
    );
  });

  it("keeps the knee of the levels that answered, and names the levels where every request failed", async () => {
    // The first 3 generation requests (concurrency 1) are answered, every later one (concurrency 2) fails.
    let generations = 0;
    server = await startFakeOpenAIServer({
      handler: () => {
        generations += 1;
        return generations <= 3 ? { choices: ["one two"] } : { status: 503, message: "gone" };
      },
    });
    const run = await runCliCaptured(
      ...["tune", "--base-url", server.url, "--concurrency", "1,2", "--requests", "3", "--warmup", "0"],
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^1\s+1\*\s+3\s+0\s/m);
    // The level that measured nothing says so, with no zero throughput.
    expect(run.stdout).toMatch(/^1\s+2\s+3\s+3\s+failed(\s+-){5}$/m);
    expect(run.stdout).toContain("knee n=1: concurrency 1 reaches");
    expect(run.stderr).not.toContain("NaN");
    expect(run.stderr).toContain(
      "mull: tune: every request failed at n=1 concurrency 2 (no knee from them); first error:",
    );
  });

  it("refuses --endpoint chat for a lab model, whose template renders text only, before the sweep (exit 2)", async () => {
    server = await startFakeOpenAIServer({ models: ["lab-v2-large"] });
    const run = await runCliCaptured("tune", "--base-url", server.url, "--endpoint", "chat", "--warmup", "0");
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'mull: --endpoint: the lab template renders text prompts (completions) only, got "chat"; use --endpoint completions or auto\n',
    );
    expect(server.requests.filter((request) => request.endpoint !== "models")).toEqual([]);
  });

  it("refuses a --base-url that is not an http(s) URL in one line, before asking it anything (exit 2)", async () => {
    for (const model of [[], ["--model", "m"]]) {
      const run = await runCliCaptured("tune", "--base-url", "notaurl", ...model);
      expect(run).toMatchObject({ code: 2, stdout: "" });
      expect(run.stderr).toBe(
        'mull: --base-url "notaurl": expected an absolute http(s) URL such as http://localhost:8000/v1\n',
      );
    }
  });

  it.each([
    [
      ["--concurrency", "1,0,4"],
      `option '--concurrency <list>' argument '1,0,4' is invalid. expected an integer`,
    ],
    [["--concurrency", "1,x"], `got "x" in "1,x"`],
    [
      ["--n", "1,,4"],
      `option '--n <list>' argument '1,,4' is invalid. the second item of "1,,4" is empty; expected a comma-separated list without empty items`,
    ],
    [["--requests", "0"], `option '--requests <count>' argument '0' is invalid`],
    [["--knee-fraction", "2"], `option '--knee-fraction <share>' argument '2' is invalid`],
  ])("refuses %j with exit code 2, naming the flag and the value", async (flags, message) => {
    const run = await runCliCaptured("tune", "--base-url", "http://127.0.0.1:9/v1", "--model", "m", ...flags);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it("reads the built-in datasets from --data-dir, the flag its refusal of a missing file names", async () => {
    const folder = mkdtempSync(join(tmpdir(), "mull-tune-data-"));
    try {
      const run = await runCliCaptured(
        ...["tune", "--base-url", "http://127.0.0.1:9/v1", "--model", "m"],
        ...["--dataset", "math500", "--data-dir", folder],
      );
      expect(run).toMatchObject({ code: 2, stdout: "" });
      expect(run.stderr).toContain(`no file math500.jsonl in ${folder};`);
      expect(run.stderr).toContain("--data-dir <dir> picks the folder that holds them\n");
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it.each([
    [["--dataset", "lab:mixed", "--data-dir", "/data"], "--data-dir /data applies to the built-in datasets"],
    [["--dataset", "gsm8k", "--data-dir", ""], `--data-dir "": expected the folder holding`],
  ])("refuses a --data-dir it would ignore (%j) before reading any dataset", async (flags, message) => {
    const run = await runCliCaptured("tune", "--base-url", "http://127.0.0.1:9/v1", "--model", "m", ...flags);
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toContain(message);
  });

  it("needs --base-url", async () => {
    const run = await runCliCaptured("tune");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("required option '--base-url <url>' not specified");
  });
});
