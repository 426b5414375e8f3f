import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCliCaptured } from "./commands/run-cli-captured.test-support.ts";

const folder = mkdtempSync(join(tmpdir(), "mull-unknown-options-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("unknownOptionsFirst", () => {
  it("says a mistyped required flag as a typo, with commander's suggestion, before it is missed (exit 2)", async () => {
    const out = join(folder, "typo");
    const typo = await runCliCaptured("bench", "--datset", "lab:hard", "--out", out);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("error: unknown option '--datset'\n(Did you mean --dataset?)");
    expect(typo.stderr).not.toContain("required option");
    expect(existsSync(out)).toBe(false);
    const worker = await runCliCaptured("worker", "--queu", "redis://127.0.0.1:1");
    expect(worker.code).toBe(2);
    expect(worker.stderr).toContain("error: unknown option '--queu'\n(Did you mean --queue?)");
  });

  it("still says a required flag that is missing, and a bad value once, as commander does", async () => {
    const missing = await runCliCaptured("bench", "--out", join(folder, "missing"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("error: required option '--dataset <name>' not specified");
    const bad = await runCliCaptured("bench", "--limit", "abc", "--datset", "lab:hard");
    expect(bad.code).toBe(2);
    expect(bad.stderr.match(/argument 'abc' is invalid/g)).toHaveLength(1);
    expect(bad.stderr).not.toContain("unknown option");
  });
});
