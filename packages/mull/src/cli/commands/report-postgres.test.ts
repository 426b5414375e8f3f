import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { openRunStore, parseRunLocation, redactUrl } from "../../bench/store/index.ts";
import {
  freshPostgresSchema,
  type SchemaUnderTest,
} from "../../bench/store/postgres-schema-under-test.test-support.ts";
import { postgresUnderTest } from "../../runtime/test-services.test-support.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { syntheticRun } from "../../testing/index.ts";
import { runCliCaptured } from "./run-cli-captured.test-support.ts";

const postgres = postgresUnderTest();
if (postgres.missing !== undefined) console.log(postgres.missing);

describe.skipIf(postgres.url === undefined)(
  "mull report --store postgres://…: what it says where there is no run",
  () => {
    let ours: SchemaUnderTest;
    let theirs: SchemaUnderTest;
    let server: FakeOpenAIServer;
    let folder: string;
    beforeAll(async () => {
      ours = await freshPostgresSchema(postgres.url!, "report");
      theirs = await freshPostgresSchema(postgres.url!, "theirs");
      const client = new pg.Client({ connectionString: theirs.url });
      await client.connect();
      await client.query("CREATE TABLE runs (id serial, name text, payload text)");
      await client.query("INSERT INTO runs (name, payload) VALUES ('prod', 'theirs')");
      await client.end();
      const run = syntheticRun({ seed: 2, problems: 6 });
      const store = await openRunStore(parseRunLocation("sums", ours.url));
      await store.createRun(
        run.manifest,
        { synthetic: true },
        run.problems.map((problem) => ({ ...problem, question: `question ${problem.id}` })),
      );
      await store.close();
      server = await startFakeOpenAIServer({ model: "fake" });
      folder = mkdtempSync(join(tmpdir(), "mull-report-pg-"));
    });
    afterAll(async () => {
      await server?.close();
      await ours?.drop();
      await theirs?.drop();
      rmSync(folder, { recursive: true, force: true });
    });
    afterEach(() => vi.restoreAllMocks());

    const report = (store: string, name: string) =>
      runCliCaptured("report", "--store", store, name, "--out", join(folder, "report.html"));

    it("exits with 2 naming <run-dir> for an unknown run name, as replay names --run, and --store for a refused login", async () => {
      const unknown = await report(ours.url, "nothing-here");
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toBe(`mull: <run-dir>: no run nothing-here in ${redactUrl(ours.url)}\n`);
      const login = new URL(ours.url);
      login.password = "wrong-password-5b1d";
      const refused = await report(login.toString(), "sums");
      expect(refused.code).toBe(2);
      expect(refused.stderr).toBe(
        `mull: --store: cannot connect to ${redactUrl(login.toString())}: password authentication failed for user "mull"\n`,
      );
      expect(refused.stderr).not.toContain("wrong-password-5b1d");
      expect(existsSync(join(folder, "report.html"))).toBe(false);
    });

    it("says a database with another application's runs table is not a mull run database, from report and bench (exit 2)", async () => {
      const database = redactUrl(theirs.url);
      const read = await report(theirs.url, "prod");
      expect(read.code).toBe(2);
      expect(read.stderr).toContain(
        `mull: <run-dir>: ${database} is not a mull run database: its table runs`,
      );
      expect(read.stderr).not.toContain("no run prod");

      const dataset = join(folder, "sums.jsonl");
      writeFileSync(dataset, `${JSON.stringify({ id: "s1", question: "What is 1 plus 1?", answer: "2" })}\n`);
      const bench = await runCliCaptured(
        "bench",
        ...["--dataset", dataset, "--base-url", server.url, "--model", "fake", "--strategies", "greedy"],
        ...["--store", theirs.url, "--out", "audit"],
      );
      expect(bench.code).toBe(2);
      expect(bench.stderr).toContain(`mull: ${database} is not a mull run database: its table runs`);
      expect(bench.stderr).toContain("mull leaves it untouched");
      expect(bench.stderr).not.toContain("    at ");
    });

    it("says a partial run is partial from report --json and replay, as of a run directory", async () => {
      const run = syntheticRun({ seed: 3, problems: 6 });
      const store = await openRunStore(parseRunLocation("half", ours.url));
      await store.createRun(
        run.manifest,
        { synthetic: true },
        run.problems.map((problem) => ({ ...problem, question: `question ${problem.id}` })),
      );
      // greedy and sc@4 on the first 2 of 6 problems: 4 of 24 pairs.
      const firstTwo = new Set(run.problems.slice(0, 2).map((problem) => problem.id));
      for (const result of run.results) {
        if (!firstTwo.has(result.problemId) || !["greedy", "sc@4"].includes(result.strategy)) continue;
        const samples = run.samples.filter(
          (sample) => sample.problemId === result.problemId && sample.strategy === result.strategy,
        );
        await store.recordResult({ ...result, seed: 1 }, samples);
      }
      await store.close();
      const reported = await runCliCaptured(
        ...["report", "--store", ours.url, "half", "--out", join(folder, "half.html"), "--json"],
      );
      expect(reported.code).toBe(0);
      const { partial } = JSON.parse(reported.stdout);
      expect(partial).toMatchObject({ recorded: 4, planned: 24, problems: 6 });
      expect(reported.stderr).toBe(`report: ${partial.statement}\n`);
      const replayed = await runCliCaptured(
        ...["replay", "--store", ours.url, "--run", "half", "--strategy", "sc@4", "--strategies", "maj@4"],
      );
      expect(replayed.code).toBe(0);
      expect(replayed.stderr).toBe(
        "replay: The run is partial: 4 of 24 pairs are recorded (greedy 2 of 6, sc@4 2 of 6, sc@8 0 of 6, bon@8 0 of 6). " +
          "sc@4 has samples of 2 of the 6 problems; replay reads those alone. " +
          "Unless its bench is still running, continue it with the command that started it and --resume " +
          "(mull bench --dataset synthetic --strategies greedy,sc@4,sc@8,bon@8 … --resume).\n",
      );
      expect(replayed.stdout).toContain(
        "mull-run: 2 problems of the partial run's 6 (4 of 24 pairs recorded)",
      );
    });
  },
);
