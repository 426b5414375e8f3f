import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { labModelsDirectory } from "./lab-models.ts";
import { runMull } from "./test-mull-cli.ts";

const files = ["lab-v2-small", "lab-v2-large"].map((name) => path.join(labModelsDirectory, `${name}.gguf`));
const missing = files.filter((file) => !existsSync(file));
if (missing.length > 0) {
  process.stderr.write(`lab command routing test skipped: no lab model at ${missing.join(", ")}\n`);
}

interface Tokens {
  readonly total: number;
}

describe.skipIf(missing.length > 0)("mull lab with a routing strategy", () => {
  it("routes from the model family's small model and counts every model's tokens on every problem", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "mull-lab-routing-"));
    try {
      const args = ["lab", "--problems", "4", "--strategies", "cascade-mass@2x8", "--threads", "1"];
      const summary = JSON.parse(await runMull([...args, "--out", out, "--json"])) as {
        strategies: { strategy: string; tokens: Tokens; tokensByModel?: Record<string, Tokens> }[];
      };
      const [cascade] = summary.strategies;
      expect(cascade?.strategy).toBe("cascade-mass@2x8");
      // lab-v2-large's family names lab-v2-small, which runs first on every problem.
      const byModel = cascade?.tokensByModel ?? {};
      expect(byModel["lab-v2-small"]?.total).toBeGreaterThan(0);
      expect(
        Object.keys(byModel).every((model) => model === "lab-v2-small" || model === "lab-v2-large"),
      ).toBe(true);
      const counted = Object.values(byModel).reduce((sum, tokens) => sum + tokens.total, 0);
      expect(counted).toBe(cascade?.tokens.total);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
