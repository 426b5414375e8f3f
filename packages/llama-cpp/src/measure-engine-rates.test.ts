import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { measureMachine } from "mull";
import { describe, expect, it } from "vitest";
import { createLlamaCppBackend } from "./create-llama-cpp-backend.ts";
import { labModelsDirectory } from "./lab-models.ts";
import { runMull } from "./test-mull-cli.ts";

const labSmall = path.join(labModelsDirectory, "lab-small.gguf");
if (!existsSync(labSmall)) process.stderr.write(`engine rates test skipped: no lab model at ${labSmall}\n`);

interface Rates {
  readonly flopsPerSecond: number;
  readonly bytesPerSecond: number;
  readonly source?: string;
}

describe.skipIf(!existsSync(labSmall))("llama.cpp's own rates on the real lab model", () => {
  it("measures positive finite rates once, FLOP/s above scalar JavaScript's, and frees its sequence", async () => {
    await using backend = await createLlamaCppBackend({ model: "lab-small", threads: 1, sequences: 2 });
    const request = {
      prompt: { kind: "text" as const, text: "Q: 30+444+273=? A:" },
      n: 2,
      temperature: 0,
      maxTokens: 24,
    };
    const before = await backend.generate(request);
    const rates = await backend.measureRates();
    expect(Number.isFinite(rates.flopsPerSecond) && rates.flopsPerSecond > 0).toBe(true);
    expect(Number.isFinite(rates.bytesPerSecond) && rates.bytesPerSecond > 0).toBe(true);
    expect(rates.source).toMatch(/^measured by llama\.cpp on 1 thread \(\d+-token batched prompt evaluation/);
    // SIMD kernels on a batch reach more FLOP/s than a scalar JavaScript loop.
    expect(rates.flopsPerSecond / measureMachine({ trials: 2 }).flopsPerSecond).toBeGreaterThan(1);
    // Cached: the second call measures nothing.
    expect(await backend.measureRates()).toBe(rates);
    // The sequence went back to the pool: generation afterwards is as before.
    const after = await backend.generate(request);
    expect(after.completions.map((completion) => completion.text)).toEqual(
      before.completions.map((completion) => completion.text),
    );
    expect(after.completions[0]?.text).toMatch(/\d/);
  });

  it("is recorded in a lab bench run's manifest beside the JavaScript rates", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "mull-engine-rates-"));
    try {
      const args = ["lab", "--dataset", "lab:hard", "--problems", "2", "--strategies", "greedy"];
      await runMull([...args, "-m", "lab-small", "--threads", "1", "--out", out, "--json"]);
      const database = new DatabaseSync(path.join(out, "bench.sqlite"), { readOnly: true });
      const row = database.prepare("SELECT manifest_json FROM runs").get() as { manifest_json: string };
      database.close();
      const machine = (JSON.parse(row.manifest_json) as { machine: { performance: Rates; engine: Rates } })
        .machine;
      expect(machine.performance.source).toMatch(/^measured in JavaScript/);
      expect(machine.engine.source).toMatch(/^measured by llama\.cpp on 1 thread/);
      expect(machine.engine.bytesPerSecond).toBeGreaterThan(0);
      expect(machine.engine.flopsPerSecond / machine.performance.flopsPerSecond).toBeGreaterThan(1);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
