import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { enqueueBenchRun } from "./enqueue-bench-run.ts";
import { sumsRunOptions } from "./queued-sums.test-support.ts";

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "mull-enqueue-"));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

describe("enqueueBenchRun", () => {
  it("refuses an allocation over the batch before creating the run or reaching Redis", async () => {
    const out = join(directory, "run");
    const options = sumsRunOptions({ strategies: ["sc@4", "alloc@4"], seed: 7 }, out);
    // Nothing listens on port 1: the refusal comes before any connection.
    const error = await enqueueBenchRun(options, { url: "redis://127.0.0.1:1", recipe: {} }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      /^--queue: alloc@4 allocates samples over the whole batch, .* run it without --queue$/,
    );
    expect(existsSync(out)).toBe(false);
  });
});
