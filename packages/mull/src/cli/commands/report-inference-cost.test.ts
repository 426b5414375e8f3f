import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { RunManifest } from "../../bench/run-data.ts";
import { openRunStore } from "../../bench/store/index.ts";
import { syntheticRun } from "../../testing/index.ts";
import { runCliCaptured } from "./run-cli-captured.test-support.ts";

const folder = mkdtempSync(join(tmpdir(), "mull-report-cost-"));
const run = syntheticRun({ seed: 5, problems: 12 });
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function storedRun(name: string, backend: Partial<RunManifest["backend"]>): Promise<string> {
  const directory = join(folder, name);
  const store = await openRunStore(directory);
  const manifest = { ...run.manifest, backend: { ...run.manifest.backend, ...backend } };
  await store.createRun(
    manifest,
    { synthetic: true },
    run.problems.map((problem) => ({ ...problem, question: `question ${problem.id}` })),
  );
  for (const result of run.results) await store.recordResult({ ...result, seed: 1 }, []);
  await store.close();
  return directory;
}

describe("mull report: inference cost", () => {
  it("says why a run over HTTP without a model shape has no inference cost, and takes the shape from --model-shape", async () => {
    const served = await storedRun("served", {
      kind: "openai-compatible",
      baseUrl: "http://127.0.0.1:18830/v1",
      architecture: undefined,
    });
    const plain = await runCliCaptured("report", served);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain(
      'report: no "Inference cost" section: the run\'s manifest records no model shape (an HTTP backend knows it only when given one',
    );
    expect(plain.stderr).toContain("give it with --model-shape parameters=N,layers=N,embedding=N");
    expect(readFileSync(join(served, "report.html"), "utf8")).not.toContain("<h2>Inference cost</h2>");

    const shaped = await runCliCaptured(
      "report",
      served,
      "--model-shape",
      "parameters=117952,layers=2,embedding=64",
      "--watts-per-core",
      "700",
    );
    expect(shaped.code).toBe(0);
    expect(shaped.stderr).not.toContain("Inference cost");
    const html = readFileSync(join(served, "report.html"), "utf8");
    expect(html).toContain("<h2>Inference cost</h2>");
    expect(html).toContain("as stated with --model-shape, 117,952 parameters, 2 layers, d 64");
    // A server's cores are unknown: the stated power is one core's unless --cores says more.
    expect(html).toContain("Energy is time × 700 W: assumed 700 W per busy core × 1 core");

    const bad = await runCliCaptured(
      "report",
      served,
      "--model-shape",
      "parameters=1000,layers=0,embedding=8",
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--model-shape <shape>.*layers must be a positive integer, got "0"/);
  });

  it("refuses a --model-shape that contradicts the shape the run recorded, before writing anything", async () => {
    const embedded = await storedRun("recorded-shape", {
      architecture: { type: "llama", parameters: 117952, layers: 2, embedding: 64, heads: 4 },
    });
    const other = await runCliCaptured(
      ...["report", embedded, "--model-shape", "parameters=1000,layers=2,embedding=4"],
    );
    expect(other).toMatchObject({ code: 2, stdout: "" });
    expect(other.stderr).toBe(
      "mull: --model-shape parameters=1000,layers=2,embedding=4: the run recorded its model's shape, " +
        "parameters=117952,layers=2,embedding=64,heads=4, which differs in parameters, embedding; " +
        "--model-shape is for runs that recorded none (a run over HTTP): drop it\n",
    );
    expect(existsSync(join(embedded, "report.html"))).toBe(false);
    // The recorded shape restated (or a part of it) changes nothing.
    const same = await runCliCaptured(
      ...["report", embedded, "--model-shape", "parameters=117952,layers=2,embedding=64"],
    );
    expect(same.code).toBe(0);
    const html = readFileSync(join(embedded, "report.html"), "utf8");
    expect(html).toContain("<h2>Inference cost</h2>");
    expect(html).toContain("llama, 117,952 parameters, 2 layers, d 64");
    expect(html).not.toContain("as stated with --model-shape");
  });

  it("takes the engine's threads as the cores of a --watts-per-core given alone", async () => {
    const embedded = await storedRun("threads", {
      architecture: { parameters: 1000, layers: 2, embedding: 8 },
      contexts: 1,
      threads: 2,
    });
    const defaulted = await runCliCaptured("report", embedded);
    expect(defaulted.code).toBe(0);
    expect(readFileSync(join(embedded, "report.html"), "utf8")).toContain(
      "Energy is time × 20 W: assumed 10 W per busy core × 2 cores",
    );
    expect((await runCliCaptured("report", embedded, "--watts-per-core", "30")).code).toBe(0);
    expect(readFileSync(join(embedded, "report.html"), "utf8")).toContain(
      "Energy is time × 60 W: assumed 30 W per busy core × 2 cores",
    );
    expect((await runCliCaptured("report", embedded, "--watts-per-core", "30", "--cores", "3")).code).toBe(0);
    expect(readFileSync(join(embedded, "report.html"), "utf8")).toContain(
      "Energy is time × 90 W: assumed 30 W per busy core × 3 cores",
    );
  });
});
