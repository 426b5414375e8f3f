import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { benchCommand } from "./commands/bench.ts";
import { labCommand } from "./commands/lab.ts";
import { runCliCaptured } from "./commands/run-cli-captured.test-support.ts";
import { solveCommand } from "./commands/solve.ts";
import { contextsFromFlags, contextsOption, sideBySideContexts } from "./contexts-option.ts";

const folder = mkdtempSync(join(tmpdir(), "mull-contexts-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** No server listens on port 9 (discard): a command that reached it would fail with another message. */
const deadServer = "http://127.0.0.1:9/v1";

describe("contextsFromFlags", () => {
  it("defaults to two contexts where there are two cores and one thread, else one", () => {
    expect(sideBySideContexts).toBe(Math.min(2, availableParallelism()));
    expect(contextsFromFlags({}, "side-by-side")).toBe(sideBySideContexts);
    expect(contextsFromFlags({ threads: 1 }, "side-by-side")).toBe(sideBySideContexts);
    expect(contextsFromFlags({ threads: 2 }, "side-by-side")).toBe(1);
    // Speculative decoding runs in one context.
    expect(contextsFromFlags({ draftModel: "lab-v2-small" }, "side-by-side")).toBe(1);
    expect(contextsFromFlags({ promptLookup: true }, "side-by-side")).toBe(1);
    expect(contextsFromFlags({}, "one")).toBe(1);
  });

  it("takes --contexts as given, whatever the default", () => {
    expect(contextsFromFlags({ contexts: 3 }, "one")).toBe(3);
    expect(contextsFromFlags({ contexts: 1 }, "side-by-side")).toBe(1);
    expect(contextsFromFlags({ contexts: 2, threads: 2 }, "side-by-side")).toBe(2);
    expect(contextsFromFlags({ contexts: 1, draftModel: "lab-v2-small" }, "side-by-side")).toBe(1);
  });

  it("gives a server no contexts, and refuses --contexts with --base-url or above 1 with speculative decoding", () => {
    expect(contextsFromFlags({ baseUrl: deadServer }, "side-by-side")).toBeUndefined();
    expect(() => contextsFromFlags({ baseUrl: deadServer, contexts: 1 }, "one")).toThrow(
      "--contexts 1 applies to the embedded backend only, not to --base-url",
    );
    expect(() => contextsFromFlags({ baseUrl: deadServer, threads: 2 }, "side-by-side")).toThrow(
      "--threads 2 applies to the embedded backend only, not to --base-url",
    );
    expect(() => contextsFromFlags({ contexts: 2, draftModel: "lab-v2-small" }, "one")).toThrow(
      "--contexts 2 does not go with --draft-model: speculative decoding runs in one context",
    );
    expect(() => contextsFromFlags({ contexts: 4, promptLookup: true }, "side-by-side")).toThrow(
      "--contexts 4 does not go with --prompt-lookup: speculative decoding runs in one context",
    );
  });
});

describe("contextsOption", () => {
  it("takes an integer from 1 to 64, naming the value otherwise", () => {
    const option = contextsOption("one");
    expect(option.long).toBe("--contexts");
    const parse = (text: string) => option.parseArg?.(text, undefined);
    expect(parse("2")).toBe(2);
    expect(parse("64")).toBe(64);
    for (const bad of ["0", "65", "1.5", "two", ""]) {
      expect(() => parse(bad)).toThrow(`expected an integer from 1 to 64, got "${bad}"`);
    }
  });

  it("says each command's default in its help: side by side for lab and bench, one for solve", () => {
    const help = (command: { options: readonly { long?: string; description: string }[] }) =>
      command.options.find((option) => option.long === "--contexts")?.description;
    const sideBySide = `contexts of the embedded model decoding side by side (default ${sideBySideContexts} with one thread and no speculative decoding, else 1)`;
    expect(help(labCommand())).toBe(sideBySide);
    expect(help(benchCommand())).toBe(sideBySide);
    expect(help(solveCommand())).toBe(
      "contexts of the embedded model decoding side by side (default 1: one question at a time gains little from more)",
    );
  });
});

describe("--contexts on the command line", () => {
  it("refuses a count out of range in bench, solve and lab, naming the flag and the value (exit 2)", async () => {
    const out = join(folder, "range");
    const runs = [
      await runCliCaptured("bench", "--dataset", "lab:1", "--out", out, "--contexts", "0"),
      await runCliCaptured("solve", "1+1=?", "--contexts", "65"),
      await runCliCaptured("lab", "--out", out, "--contexts", "x"),
    ];
    expect(runs.map((run) => run.code)).toEqual([2, 2, 2]);
    expect(runs[0]?.stderr).toContain(`'--contexts <count>' argument '0' is invalid`);
    expect(runs[1]?.stderr).toContain(`'--contexts <count>' argument '65' is invalid`);
    expect(runs[2]?.stderr).toContain(`'--contexts <count>' argument 'x' is invalid`);
    expect(existsSync(join(out, "bench.sqlite"))).toBe(false);
  });

  it("refuses --contexts with --base-url in bench and solve before any request (exit 2)", async () => {
    const bench = await runCliCaptured(
      "bench",
      "--dataset",
      "lab:1",
      "--limit",
      "3",
      "--out",
      join(folder, "server"),
      "--base-url",
      deadServer,
      "--contexts",
      "2",
    );
    expect(bench).toMatchObject({ code: 2, stdout: "" });
    expect(bench.stderr).toBe("mull: --contexts 2 applies to the embedded backend only, not to --base-url\n");
    const solve = await runCliCaptured("solve", "1+1=?", "--base-url", deadServer, "--contexts", "1");
    expect(solve).toMatchObject({ code: 2, stdout: "" });
    expect(solve.stderr).toBe("mull: --contexts 1 applies to the embedded backend only, not to --base-url\n");
  });

  it("refuses --threads with --base-url in bench and solve as it refuses --contexts (exit 2)", async () => {
    const bench = await runCliCaptured(
      ...["bench", "--dataset", "lab:1", "--limit", "3", "--out", join(folder, "threads")],
      ...["--base-url", deadServer, "--threads", "2"],
    );
    expect(bench).toMatchObject({ code: 2, stdout: "" });
    expect(bench.stderr).toBe("mull: --threads 2 applies to the embedded backend only, not to --base-url\n");
    expect(existsSync(join(folder, "threads", "bench.sqlite"))).toBe(false);
    const solve = await runCliCaptured("solve", "1+1=?", "--base-url", deadServer, "--threads", "2");
    expect(solve).toMatchObject({ code: 2, stdout: "" });
    expect(solve.stderr).toBe("mull: --threads 2 applies to the embedded backend only, not to --base-url\n");
  });

  it("refuses more than one context with speculative decoding before the model loads (exit 2)", async () => {
    const bench = await runCliCaptured(
      "bench",
      "--dataset",
      "lab:1",
      "--out",
      join(folder, "speculative"),
      "--prompt-lookup",
      "--contexts",
      "2",
    );
    expect(bench.code).toBe(2);
    expect(bench.stderr).toBe(
      "mull: --contexts 2 does not go with --prompt-lookup: speculative decoding runs in one context\n",
    );
    const solve = await runCliCaptured("solve", "1+1=?", "--draft-model", "lab-v2-small", "--contexts", "3");
    expect(solve.code).toBe(2);
    expect(solve.stderr).toBe(
      "mull: --contexts 3 does not go with --draft-model: speculative decoding runs in one context\n",
    );
  });
});
