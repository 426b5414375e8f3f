import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { openRunStore } from "../../bench/store/index.ts";
import { syntheticRun } from "../../testing/index.ts";
import { runCliCaptured } from "./run-cli-captured.test-support.ts";

const folder = mkdtempSync(join(tmpdir(), "mull-report-cli-"));
const runDirectory = join(folder, "run");
const run = syntheticRun({ seed: 4, problems: 24 });

beforeAll(async () => {
  const store = await openRunStore(runDirectory);
  await store.createRun(
    run.manifest,
    { synthetic: true },
    run.problems.map((problem) => ({ ...problem, question: `question ${problem.id}` })),
  );
  for (const result of run.results) {
    const samples = run.samples.filter(
      (sample) => sample.problemId === result.problemId && sample.strategy === result.strategy,
    );
    await store.recordResult({ ...result, seed: 1 }, samples);
  }
  await store.close();
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

function report(...argv: string[]) {
  return runCliCaptured("report", ...argv);
}

describe("mull report", () => {
  it("writes the HTML report of a stored run, and its plots as SVG and PNG", async () => {
    const out = join(folder, "out", "report.html");
    const svg = join(folder, "svg");
    const png = join(folder, "png");
    const { code, stdout } = await report(runDirectory, "--out", out, "--svg", svg, "--png", png, "--json");
    expect(code).toBe(0);
    // Named as `mull bench --json` names a run: `directory` (or `run` and `store`), with `runId` its id.
    const printed = JSON.parse(stdout) as Record<string, unknown> & { files: string[] };
    expect(Object.keys(printed)).toEqual(["directory", "runId", "files"]);
    expect(printed.directory).toBe(runDirectory);
    expect(printed.runId).toBe(run.manifest.runId);
    expect(printed.files[0]).toBe(out);
    const html = readFileSync(out, "utf8");
    expect(html).toContain("<title>mull report: synthetic (synthetic-4)</title>");
    for (const plot of ["accuracy-tokens", "coverage", "difficulty"]) {
      const image = readFileSync(join(svg, `${plot}.svg`), "utf8");
      expect(image.startsWith("<svg")).toBe(true);
      expect(image).toMatch(/class="mark-(symbol|rect)/);
      expect(
        readFileSync(join(png, `${plot}.png`))
          .subarray(1, 4)
          .toString("latin1"),
      ).toBe("PNG");
    }
    const points = readFileSync(join(svg, "accuracy-tokens.svg"), "utf8").match(
      /<g class="mark-symbol role-mark points_marks"[\s\S]*?<\/g>/,
    )?.[0];
    expect(points?.match(/<path/g)).toHaveLength(run.manifest.strategies.length);
  });

  it("writes <run-dir>/report.html by default", async () => {
    const { code, stdout } = await report(runDirectory);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(`wrote ${join(runDirectory, "report.html")}`);
    expect(existsSync(join(runDirectory, "report.html"))).toBe(true);
  });

  it("adds the inference cost of a run with a model shape, measuring this machine for a run that recorded no rates", async () => {
    const shaped = join(folder, "shaped");
    const store = await openRunStore(shaped);
    const manifest = {
      ...run.manifest,
      backend: { ...run.manifest.backend, architecture: { parameters: 1000, layers: 2, embedding: 8 } },
    };
    await store.createRun(
      manifest,
      { synthetic: true },
      run.problems.map((problem) => ({ ...problem, question: `question ${problem.id}` })),
    );
    for (const result of run.results) await store.recordResult({ ...result, seed: 1 }, []);
    await store.close();
    const { code } = await report(shaped, "--watts-per-core", "2.5", "--cores", "4");
    expect(code).toBe(0);
    const html = readFileSync(join(shaped, "report.html"), "utf8");
    expect(html).toContain("<h2>Inference cost</h2>");
    expect(html).toContain("Energy is time × 10 W: assumed 2.5 W per busy core × 4 cores");
    expect(html).toContain("measured when this report was built, not on the run&#39;s machine");
    expect((await report(shaped, "--cores", "0")).code).toBe(2);
  });

  it("leaves a run over HTTP without idealized time and energy unless the server's rates and power are given", async () => {
    const served = join(folder, "served");
    const store = await openRunStore(served);
    const manifest = {
      ...run.manifest,
      backend: {
        ...run.manifest.backend,
        kind: "openai-compatible",
        baseUrl: "http://gpu-box:8080/v1",
        architecture: { parameters: 1000, layers: 2, embedding: 8 },
      },
      machine: { ...run.manifest.machine, performance: { flopsPerSecond: 1000, bytesPerSecond: 1000 } },
    };
    await store.createRun(
      manifest,
      { synthetic: true },
      run.problems.map((problem) => ({ ...problem, question: `question ${problem.id}` })),
    );
    for (const result of run.results) await store.recordResult({ ...result, seed: 1 }, []);
    await store.close();
    expect((await report(served)).code).toBe(0);
    const plain = readFileSync(join(served, "report.html"), "utf8");
    expect(plain).toContain("<h2>Inference cost</h2>");
    expect(plain).toContain(
      "No idealized time or energy: the run generated on the server at http://gpu-box:8080/v1",
    );
    expect(plain).not.toContain("idealized ms / problem");
    const { code } = await report(
      served,
      "--peak-flops",
      "989000",
      "--peak-bandwidth",
      "3350",
      "--watts-per-core",
      "700",
    );
    expect(code).toBe(0);
    const stated = readFileSync(join(served, "report.html"), "utf8");
    expect(stated).toContain("idealized ms / problem");
    expect(stated).toContain(
      "9.89e+5 GFLOP/s, 3.35e+3 GB/s (--peak-flops and --peak-bandwidth); stated for this report, not measured",
    );
    expect(stated).toContain("Energy is time × 700 W: assumed 700 W per busy core × 1 core");
    expect(stated).not.toContain("No idealized time");
    const half = await report(served, "--peak-flops", "989000");
    expect(half.code).toBe(2);
    expect(half.stderr).toContain("--peak-flops needs --peak-bandwidth too");
    const zero = await report(served, "--peak-flops", "0", "--peak-bandwidth", "1");
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--peak-flops <gflops>.*'0'/);
  });

  it("exits with 2, naming <run-dir>, for a missing directory, a directory without a run, or the run's bench.sqlite", async () => {
    const missing = await report(join(folder, "nowhere"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      `mull: <run-dir> ${JSON.stringify(join(folder, "nowhere"))}: no such directory\n`,
    );
    const empty = join(folder, "empty");
    mkdirSync(empty);
    const noRun = await report(empty);
    expect(noRun.code).toBe(2);
    expect(noRun.stderr).toBe(
      `mull: <run-dir>: no run in ${empty}: ${join(empty, "bench.sqlite")} does not exist\n`,
    );
    const database = join(runDirectory, "bench.sqlite");
    const file = await report(database);
    expect(file.code).toBe(2);
    expect(file.stderr).toBe(
      `mull: <run-dir> ${JSON.stringify(database)}: that is the run's bench.sqlite, not its directory: ` +
        `give the run's directory, ${JSON.stringify(runDirectory)}\n`,
    );
    const notes = join(folder, "notes.txt");
    writeFileSync(notes, "notes\n");
    expect((await report(notes)).stderr).toBe(
      `mull: <run-dir> ${JSON.stringify(notes)}: that is a file, not a run directory\n`,
    );
    const bad = await report(runDirectory, "--resamples", "0");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--resamples <count>.*'0'/);
    // One resample would make every interval a point; the minimum is named with the value.
    const few = await report(runDirectory, "--resamples", "1");
    expect(few.code).toBe(2);
    expect(few.stderr).toMatch(/--resamples <count>.*'1'.*expected an integer from 100 to 1000000, got "1"/);
  });

  it("names the runs of a --search output directory instead of looking for a run in it (exit 2)", async () => {
    const search = join(folder, "search");
    for (const stage of ["holdout-1-1", "round-2", "holdout-2-1", "round-10", "round-1"]) {
      mkdirSync(join(search, stage), { recursive: true });
    }
    writeFileSync(join(search, "search.json"), "{}\n");
    const result = await report(search);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`"${search}" is a mull bench --search output, not a run`);
    expect(result.stderr).toContain(
      ["round-1", "round-2", "round-10", "holdout-1-1", "holdout-2-1"]
        .map((name) => join(search, name))
        .join(", "),
    );
    expect(result.stderr).not.toContain("no run in");
    const bare = join(folder, "search-without-runs");
    mkdirSync(bare);
    writeFileSync(join(bare, "search.json"), "{}\n");
    const missing = await report(bare);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      "--search output, not a run; its runs (round-1, holdout-1-1, …) are missing",
    );
  });

  it("writes --name into the run directory and refuses names that leave it (RELIABILITY 25)", async () => {
    const named = await report(runDirectory, "--name", "sc-vs-pf");
    expect(named.code).toBe(0);
    expect(existsSync(join(runDirectory, "sc-vs-pf.html"))).toBe(true);
    for (const name of ["../../x", "/tmp/x", "..", ".hidden", "a/b", "a\\b"]) {
      const refused = await report(runDirectory, "--name", name);
      expect(refused.code, name).toBe(2);
      expect(refused.stderr).toContain(`--name ${JSON.stringify(name)}: expected a plain file name`);
    }
    expect(existsSync(join(folder, "x.html"))).toBe(false);
    expect(existsSync("/tmp/x.html")).toBe(false);
  });

  it("writes --name x.html as x.html, not x.html.html", async () => {
    const named = await report(runDirectory, "--name", "given.html");
    expect(named.code).toBe(0);
    expect(existsSync(join(runDirectory, "given.html"))).toBe(true);
    expect(existsSync(join(runDirectory, "given.html.html"))).toBe(false);
  });

  it("never writes over a file of the run, a directory, or a file it did not write (exit 2)", async () => {
    const database = join(runDirectory, "bench.sqlite");
    const before = readFileSync(database);
    for (const name of [
      "bench.sqlite",
      "bench.sqlite-wal",
      "bench.sqlite-shm",
      "manifest.json",
      "run.lock",
    ]) {
      const out = join(runDirectory, name);
      const refused = await report(runDirectory, "--out", out);
      expect(refused.code, name).toBe(2);
      expect(refused.stderr).toBe(
        `mull: --out ${JSON.stringify(out)}: that is a file of the run in ${runDirectory}, not a report; ` +
          `give another path, e.g. ${join(runDirectory, "report.html")}\n`,
      );
    }
    expect(readFileSync(database).equals(before)).toBe(true);
    const directory = await report(runDirectory, "--out", runDirectory);
    expect(directory.code).toBe(2);
    expect(directory.stderr).toContain(`--out ${JSON.stringify(runDirectory)}: that is a directory`);
    const notes = join(folder, "notes.txt");
    writeFileSync(notes, "keep me");
    const other = await report(runDirectory, "--out", notes);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain("the file exists and holds something else, not an HTML document");
    const under = await report(runDirectory, "--out", join(notes, "report.html"));
    expect(under.code).toBe(2);
    expect(under.stderr).toContain(`${notes} is a file, not a directory`);
    const plots = await report(runDirectory, "--out", join(folder, "plots.html"), "--svg", notes);
    expect(plots.code).toBe(2);
    expect(plots.stderr).toContain(`--svg ${JSON.stringify(notes)}: that is a file, not a directory`);
    expect(readFileSync(notes, "utf8")).toBe("keep me");
    expect(existsSync(join(folder, "plots.html"))).toBe(false);
    // A folder holding someone else's file under a plot's name: the flag is named, not the option.
    for (const [flag, format] of [
      ["--svg", "svg"],
      ["--png", "png"],
    ] as const) {
      const foreign = join(folder, `foreign-${format}`);
      mkdirSync(foreign, { recursive: true });
      writeFileSync(join(foreign, `coverage.${format}`), "someone else's");
      const refused = await report(runDirectory, "--out", join(folder, `${format}.html`), flag, foreign);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(new RegExp(`^mull: ${flag} `));
      expect(refused.stderr).not.toMatch(/svgDirectory|pngDirectory/);
      expect(readFileSync(join(foreign, `coverage.${format}`), "utf8")).toBe("someone else's");
    }
    // The run still reads, and an earlier report or an empty file is written over.
    const again = join(folder, "again.html");
    writeFileSync(again, "");
    expect((await report(runDirectory, "--out", again)).code).toBe(0);
    expect((await report(runDirectory, "--out", again)).code).toBe(0);
    expect(readFileSync(again, "utf8")).toContain("<title>mull report: synthetic (synthetic-4)</title>");
  });

  it("says a directory holds another tool's database, or a run whose database is empty (exit 2)", async () => {
    const foreign = join(folder, "foreign");
    mkdirSync(foreign);
    const database = new DatabaseSync(join(foreign, "bench.sqlite"));
    database.exec("CREATE TABLE notes (body TEXT)");
    database.close();
    const refused = await report(foreign);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${join(foreign, "bench.sqlite")} is not a mull run database`);
    expect(refused.stderr).not.toContain("    at ");
    const emptied = join(folder, "emptied");
    mkdirSync(emptied);
    writeFileSync(join(emptied, "bench.sqlite"), "");
    writeFileSync(join(emptied, "manifest.json"), readFileSync(join(runDirectory, "manifest.json")));
    const lost = await report(emptied);
    expect(lost.code).toBe(2);
    expect(lost.stderr).toContain(
      `mull: <run-dir>: database corrupt: ${join(emptied, "bench.sqlite")}: the file is empty (0 bytes), but ${join(emptied, "manifest.json")} records run ${run.manifest.runId} there`,
    );
    expect(existsSync(join(emptied, "report.html"))).toBe(false);
  });

  it("says on stderr, and in the report, that a run is partial or has nothing recorded yet, and how to continue it", async () => {
    const partial = join(folder, "partial");
    const store = await openRunStore(partial);
    await store.createRun(
      run.manifest,
      { synthetic: true },
      run.problems.map((problem) => ({ ...problem, question: `question ${problem.id}` })),
    );
    const empty = await report(partial);
    expect(empty.code).toBe(0);
    expect(empty.stderr).toBe(
      "report: No pair of this run is recorded yet (0 of 96; strategies greedy, sc@4, sc@8, bon@8), so there is nothing to report. " +
        "Unless its bench is still running, continue it with the command that started it and --resume " +
        "(mull bench --dataset synthetic --strategies greedy,sc@4,sc@8,bon@8 … --resume).\n",
    );
    expect(readFileSync(join(partial, "report.html"), "utf8")).toContain(
      "No pair of this run is recorded yet",
    );
    // greedy on every problem, sc@4 on the first 6.
    for (const result of run.results) {
      const index = run.problems.findIndex((problem) => problem.id === result.problemId);
      if (result.strategy === "greedy" || (result.strategy === "sc@4" && index < 6)) {
        await store.recordResult({ ...result, seed: 1 }, []);
      }
    }
    await store.close();
    const some = await report(partial);
    expect(some.code).toBe(0);
    expect(some.stderr).toContain(
      "report: The run is partial: 30 of 96 pairs are recorded (greedy 24 of 24, sc@4 6 of 24, sc@8 0 of 24, bon@8 0 of 24). " +
        "Strategies are compared on the 6 of 24 problems that every strategy with results has a result for;",
    );
    expect(readFileSync(join(partial, "report.html"), "utf8")).toContain(
      "Partial run (30 of 96 pairs recorded): 6 of 24 problems compared, 2 strategies",
    );
    expect((await report(runDirectory)).stderr).toBe("");
  });

  it("says in --json that a run is partial: pairs recorded of planned, with the statement stderr gives", async () => {
    const partial = join(folder, "partial-json");
    const store = await openRunStore(partial);
    await store.createRun(
      run.manifest,
      { synthetic: true },
      run.problems.map((problem) => ({ ...problem, question: `question ${problem.id}` })),
    );
    // greedy and sc@4 on the first 10 problems, as a bench killed part-way leaves them.
    for (const result of run.results) {
      const index = run.problems.findIndex((problem) => problem.id === result.problemId);
      if (index < 10 && (result.strategy === "greedy" || result.strategy === "sc@4")) {
        await store.recordResult({ ...result, seed: 1 }, []);
      }
    }
    await store.close();
    const { code, stdout, stderr } = await report(partial, "--json");
    expect(code).toBe(0);
    const printed = JSON.parse(stdout);
    expect(Object.keys(printed)).toEqual(["directory", "runId", "partial", "files"]);
    expect(printed.partial).toEqual({
      recorded: 20,
      planned: 96,
      problems: 24,
      strategies: [
        { strategy: "greedy", recorded: 10 },
        { strategy: "sc@4", recorded: 10 },
        { strategy: "sc@8", recorded: 0 },
        { strategy: "bon@8", recorded: 0 },
      ],
      statement: expect.stringMatching(
        /^The run is partial: 20 of 96 pairs are recorded \(greedy 10 of 24, /,
      ),
    });
    expect(stderr).toBe(`report: ${printed.partial.statement}\n`);
    // A complete run has no partial field (the first test checks its keys).
    expect(JSON.parse((await report(runDirectory, "--json")).stdout)).not.toHaveProperty("partial");
  });

  it("refuses to write through a symbolic link: the output folder, the file, or a plot folder", async () => {
    const elsewhere = join(folder, "elsewhere");
    mkdirSync(elsewhere);
    const linkedFolder = join(folder, "linked-out");
    symlinkSync(elsewhere, linkedFolder);
    const throughFolder = await report(runDirectory, "--out", join(linkedFolder, "report.html"));
    expect(throughFolder.code).toBe(2);
    expect(throughFolder.stderr).toContain("is a symbolic link");
    const victim = join(folder, "victim.txt");
    writeFileSync(victim, "keep me");
    const linkedFile = join(folder, "linked.html");
    symlinkSync(victim, linkedFile);
    const throughFile = await report(runDirectory, "--out", linkedFile);
    expect(throughFile.code).toBe(2);
    const throughPlots = await report(runDirectory, "--out", join(folder, "ok.html"), "--svg", linkedFolder);
    expect(throughPlots.code).toBe(2);
    expect(throughPlots.stderr).toContain("--svg");
    // Nothing was written anywhere: not through the links, not the report refused for its plot folder.
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(readFileSync(victim, "utf8")).toBe("keep me");
    expect(lstatSync(linkedFile).isSymbolicLink()).toBe(true);
    expect(existsSync(join(folder, "ok.html"))).toBe(false);
  });

  it("writes --out /dev/stdout at the descriptor: a link the kernel keeps, not one a user planted", async () => {
    const { code, stdout, stderr } = await report(runDirectory, "--out", "/dev/stdout");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^<!doctype html>/);
    expect(stdout.endsWith("wrote /dev/stdout\n")).toBe(true);
  });
  it("refuses an empty --store rather than reporting a directory of that name (exit 2)", async () => {
    // A run directory named as the run would be in the database: an unset `$RUNS` must not reach it.
    const refused = await report("--store", "", runDirectory);
    expect(refused).toMatchObject({ code: 2, stdout: "" });
    expect(refused.stderr).toBe(
      'mull: --store "": expected a PostgreSQL URL such as postgres://user:password@host:5432/database ' +
        "(leave --store out for a run directory)\n",
    );
  });

  it("names --out, whose default it is, when <run-dir>/report.html cannot be written there (exit 2)", async () => {
    const blocked = join(folder, "blocked-run");
    const store = await openRunStore(blocked);
    await store.createRun(
      run.manifest,
      { synthetic: true },
      run.problems.map((problem) => ({ ...problem, question: `question ${problem.id}` })),
    );
    await store.close();
    mkdirSync(join(blocked, "report.html"));
    const refused = await report(blocked);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `mull: --out ${JSON.stringify(join(blocked, "report.html"))}: that is a directory; give the path of the file to write, ` +
        `e.g. ${join(blocked, "report.html", "report.html")}\n`,
    );
  });
});
