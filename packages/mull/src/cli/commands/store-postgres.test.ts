import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redactUrl } from "../../bench/store/index.ts";
import {
  freshPostgresSchema,
  type SchemaUnderTest,
} from "../../bench/store/postgres-schema-under-test.test-support.ts";
import { postgresUnderTest } from "../../runtime/test-services.test-support.ts";
import {
  type FakeOpenAIRequest,
  type FakeOpenAIServer,
  type FakeReply,
  startFakeOpenAIServer,
} from "../../testing/fake-openai-server.ts";
import { runCliCaptured } from "./run-cli-captured.test-support.ts";

const postgres = postgresUnderTest();
if (postgres.missing !== undefined) console.log(postgres.missing);

/** Each choice depends only on the prompt, seed, temperature and choice index: two runs agree. */
function deterministicReply(request: FakeOpenAIRequest): FakeReply {
  const match = /What is (\d+) plus (\d+)\?/.exec(request.prompt);
  if (match === null) return { choices: Array.from({ length: request.n }, () => "ok") };
  const truth = Number(match[1]) + Number(match[2]);
  const choices = Array.from({ length: request.n }, (_, index) => {
    const key = `${request.body?.seed}|${request.body?.temperature}|${index}|${request.prompt}`;
    const draw = createHash("sha256").update(key).digest().readUInt32BE(0) / 2 ** 32;
    return `Adding.\n#### ${draw < 0.6 ? truth : truth + 1}`;
  });
  return { choices };
}

describe.skipIf(postgres.url === undefined)("mull bench, report and replay with --store postgres://…", () => {
  let schema: SchemaUnderTest;
  let server: FakeOpenAIServer;
  let folder: string;
  let datasetFile: string;
  beforeAll(async () => {
    schema = await freshPostgresSchema(postgres.url!, "cli");
    server = await startFakeOpenAIServer({ model: "fake", handler: deterministicReply });
    folder = mkdtempSync(join(tmpdir(), "mull-pg-cli-"));
    datasetFile = join(folder, "sums.jsonl");
    const rows = Array.from({ length: 6 }, (_, index) =>
      JSON.stringify({
        id: `s${index}`,
        question: `What is ${index * 7} plus ${index + 2}?`,
        answer: String(index * 8 + 2),
      }),
    );
    writeFileSync(datasetFile, `${rows.join("\n")}\n`);
  });
  afterAll(async () => {
    await server?.close();
    await schema?.drop();
    rmSync(folder, { recursive: true, force: true });
  });

  const bench = (...where: string[]) =>
    runCliCaptured(
      "bench",
      ...["--dataset", datasetFile, "--base-url", server.url, "--model", "fake", "--grader", "numeric"],
      ...[
        "--strategies",
        "greedy,sc@4",
        "--temperature",
        "0.8",
        "--seed",
        "3",
        "--concurrency",
        "2",
        "--json",
      ],
      ...where,
    );

  it("runs a bench into the database, then reports and replays it as from a run directory", async () => {
    const inDatabase = await bench("--store", schema.url, "--out", "sums/sc4");
    expect(inDatabase.stderr).not.toContain("mull:mull@");
    expect(inDatabase.code).toBe(0);
    const summary = JSON.parse(inDatabase.stdout);
    expect(summary).toMatchObject({ run: "sums/sc4", pairs: { total: 12, recorded: 12 } });
    expect(summary).not.toHaveProperty("directory");
    expect(summary.store).toMatch(/^postgres:\/\/mull:\*\*\*@127\.0\.0\.1:\d+\/mull\?options=/);
    const directory = join(folder, "run");
    const inDirectory = await bench("--out", directory);
    expect(inDirectory.code).toBe(0);
    const { runId: _one, run: _a, store: _s, ...fromDatabase } = summary;
    const { runId: _two, directory: printedDirectory, ...fromDirectory } = JSON.parse(inDirectory.stdout);
    expect(printedDirectory).toBe(directory);
    expect(fromDatabase).toEqual(fromDirectory);

    const html = join(folder, "report.html");
    const report = await runCliCaptured("report", "--store", schema.url, "sums/sc4", "--out", html, "--json");
    expect(report.code).toBe(0);
    // As bench says it: the run's name and its store, with its id and the files written.
    expect(JSON.parse(report.stdout)).toEqual({
      run: "sums/sc4",
      store: summary.store,
      runId: summary.runId,
      files: [html],
    });
    expect(readFileSync(html, "utf8")).toContain(summary.runId);
    expect(readFileSync(html, "utf8")).not.toContain("mull:mull@");

    const replay = (...where: string[]) =>
      runCliCaptured(
        "replay",
        ...where,
        "--strategy",
        "sc@4",
        "--strategies",
        "maj@4,mean@1,pass@4",
        "--json",
      );
    const fromPostgres = await replay("--store", schema.url, "--run", "sums/sc4");
    expect(fromPostgres.code).toBe(0);
    const replayed = JSON.parse(fromPostgres.stdout);
    expect(replayed).toMatchObject({
      format: "mull-run",
      problems: 6,
      samplesPerProblem: { min: 4, max: 4 },
    });
    expect(replayed.evaluations.map((evaluation: { strategy: string }) => evaluation.strategy)).toEqual([
      "maj@4",
      "mean@1",
      "pass@4",
    ]);
    expect(JSON.parse((await replay("--run", directory)).stdout)).toEqual(replayed);

    // The same run cannot be the larger model a cascade escalates to: refused as a live cascade's route is.
    const cascade = await runCliCaptured(
      "replay",
      ...["--store", schema.url, "--run", "sums/sc4", "--strategy", "sc@4"],
      ...["--escalate-run", "sums/sc4", "--escalate-strategy", "sc@4"],
      ...["--strategies", "maj@4,cascade@4t1", "--json"],
    );
    expect(cascade).toMatchObject({ code: 2, stdout: "" });
    expect(cascade.stderr).toContain("mull: --escalate-run sums/sc4 is the run of --run (");
  });

  it("searches with each stage a run named under --out in the database, and reports one", async () => {
    const search = await runCliCaptured(
      "bench",
      ...["--dataset", datasetFile, "--base-url", server.url, "--model", "fake", "--grader", "numeric"],
      ...["--strategies", "sc@{1,3},greedy", "--temperature", "0.8", "--search", "--json"],
      ...["--store", schema.url, "--out", "sums/search"],
    );
    expect(search.stderr).not.toContain("mull:");
    expect(search.code).toBe(0);
    const result = JSON.parse(search.stdout);
    expect(result.rounds.map((round: { standings: unknown[] }) => round.standings.length)).toEqual([3, 2]);
    expect(result.rounds[1].kept).toEqual([result.rounds[1].standings[0].spec]);
    const html = join(folder, "search-round-2.html");
    const report = await runCliCaptured(
      "report",
      "--store",
      schema.url,
      "sums/search/round-2",
      "--out",
      html,
      "--json",
    );
    expect(report.code).toBe(0);
    expect(readFileSync(html, "utf8")).toContain(result.rounds[1].kept[0]);
  });

  it("says a refused login in one line naming --store (exit 2), before the dataset or the model is used", async () => {
    const login = new URL(schema.url);
    login.password = "wrong-password-7c2e";
    const requests = server.requests.length;
    const expected = `mull: --store: cannot connect to ${redactUrl(login.toString())}: password authentication failed for user "mull"\n`;
    for (const resume of [[], ["--resume"]]) {
      const refused = await bench("--store", login.toString(), "--out", "sums/refused", ...resume);
      expect(refused).toMatchObject({ code: 2, stdout: "", stderr: expected });
    }
    const replayed = await runCliCaptured(
      ...["replay", "--store", login.toString(), "--run", "sums/sc4", "--strategies", "maj@4"],
    );
    expect(replayed).toMatchObject({ code: 2, stdout: "", stderr: expected });
    expect(server.requests.length).toBe(requests);
  });

  it("refuses a store that is not PostgreSQL, a report without --out, and names a missing run", async () => {
    const wrong = await bench("--store", "mysql://u:topsecret@db/x", "--out", "r");
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--store "mysql://u:***@db/x": expected a PostgreSQL URL');
    expect(wrong.stderr).not.toContain("topsecret");
    const noOut = await runCliCaptured("report", "--store", schema.url, "sums/sc4");
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain("with --store, give the HTML file to write with --out");
    const missing = await runCliCaptured(
      "report",
      "--store",
      schema.url,
      "absent",
      "--out",
      join(folder, "x.html"),
    );
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no run absent in postgres:\/\/mull:\*\*\*@/);
    expect(existsSync(join(folder, "x.html"))).toBe(false);
    const both = await runCliCaptured("replay", "--samples", datasetFile, "--run", "r");
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("give either --samples or --run, not both");
  });
});
