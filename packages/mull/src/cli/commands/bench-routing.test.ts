import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { BenchSummary } from "../../bench/runner/index.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { runCliCaptured } from "./run-cli-captured.test-support.ts";

// A routing entry the real catalog does not hold (one greedy sample on each model of the route).
vi.mock("../../strategies/catalog.ts", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../strategies/catalog.ts")>();
  const { eachModelGreedyEntry } = await import("../../strategies/each-model.test-support.ts");
  return { ...original, strategyCatalog: [...original.strategyCatalog, eachModelGreedyEntry] };
});

let workspace: string;
let server: FakeOpenAIServer;
let datasetFile: string;

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), "mull-bench-routing-"));
  // The model named `big` adds right in five words; any other in two, one too many.
  server = await startFakeOpenAIServer({
    // Route models are checked against the server's list, as --model is.
    models: ["big", "tiny", "mini"],
    handler: (request) => {
      const model = String(request.body?.model);
      const [, a, b] = /What is (\d+) plus (\d+)\?/.exec(request.prompt) ?? [];
      const sum = Number(a) + Number(b);
      const text = model === "big" ? `I add them.\n#### ${sum}` : `#### ${sum + 1}`;
      return { choices: [text], model };
    },
  });
  datasetFile = join(workspace, "sums.jsonl");
  writeFileSync(
    datasetFile,
    `${[
      { id: "a", question: "What is 2 plus 3?", answer: "5" },
      { id: "b", question: "What is 4 plus 4?", answer: "8" },
    ]
      .map((row) => JSON.stringify(row))
      .join("\n")}\n`,
  );
});

afterAll(async () => {
  await server?.close();
  rmSync(workspace, { recursive: true, force: true });
});

function benchArgs(out: string, ...extra: string[]): string[] {
  return [
    "bench",
    ...["--dataset", datasetFile, "--base-url", server.url, "--model", "big", "--out", out],
    ...["--grader", "numeric", "--strategies", "greedy,each-greedy"],
    ...extra,
  ];
}

describe("mull bench with a routing strategy over HTTP", () => {
  it("routes --small-model then --model, and reports each model's tokens", async () => {
    const out = join(workspace, "run");
    const start = server.requests.length;
    const result = await runCliCaptured(...benchArgs(out, "--small-model", "tiny", "--json"));
    expect(result.code).toBe(0);
    const asked = server.requests.slice(start).filter((request) => request.prompt.includes("plus"));
    // greedy asks big; each-greedy asks tiny then big; on each of two problems.
    expect(asked.map((request) => request.body?.model).sort()).toEqual([
      "big",
      "big",
      "big",
      "big",
      "tiny",
      "tiny",
    ]);
    const summary = JSON.parse(result.stdout) as BenchSummary;
    const routed = summary.strategies.find((strategy) => strategy.strategy === "each-greedy")!;
    expect(routed.accuracy).toBe(1);
    expect(Object.keys(routed.tokensByModel ?? {})).toEqual(["big", "tiny"]);
    // The fake server counts the tokens it sends: "I add them.\n#### N" is 5, "#### N" 2.
    expect(routed.tokensByModel?.big).toMatchObject({ completion: 10, calls: 2 });
    expect(routed.tokensByModel?.tiny).toMatchObject({ completion: 4, calls: 2 });

    const text = await runCliCaptured(...benchArgs(out, "--small-model", "tiny", "--resume"));
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/\neach-greedy tokens\/problem by model: big \d+, tiny \d+\n$/);
  });

  it("refuses to resume a run with another small model", async () => {
    const out = join(workspace, "resumed");
    expect((await runCliCaptured(...benchArgs(out, "--small-model", "tiny"))).code).toBe(0);
    const other = await runCliCaptured(...benchArgs(out, "--small-model", "mini", "--resume"));
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('routes.byStrategy.each-greedy: "tiny>big" → "mini>big"');
  });
});
