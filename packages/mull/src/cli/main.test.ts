import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { exitCodes, type RunCliOptions, runCli } from "./main.ts";

describe("runCli exit codes", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  function quietly(): { printed: () => string } {
    const written: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
    }
    return { printed: () => written.join("") };
  }

  it("treats a missing command as bad usage, after printing the help", async () => {
    const output = quietly();
    expect(await runCli(["node", "mull"])).toBe(exitCodes.usage);
    expect(output.printed()).toContain("Usage: mull");
  });

  it("exits 0 for --help and --version, which were asked for", async () => {
    const output = quietly();
    expect(await runCli(["node", "mull", "--help"])).toBe(exitCodes.success);
    expect(await runCli(["node", "mull", "--version"])).toBe(exitCodes.success);
    expect(output.printed()).toMatch(/\d+\.\d+\.\d+/);
  });

  it("names an unknown command and exits 2", async () => {
    const output = quietly();
    expect(await runCli(["node", "mull", "nope"])).toBe(exitCodes.usage);
    expect(output.printed()).toContain("unknown command 'nope'");
  });

  it("reads the arguments alone with from: user, and skips the first two entries by default", async () => {
    const output = quietly();
    expect(await runCli(["nope"], { from: "user" })).toBe(exitCodes.usage);
    expect(output.printed()).toContain("unknown command 'nope'");
    expect(await runCli(["--version"], { from: "user" })).toBe(exitCodes.success);
    expect(output.printed()).toMatch(/\d+\.\d+\.\d+/);
    // By default `nope` and `--version` are the executable and script entries, skipped: no command.
    const before = output.printed().length;
    expect(await runCli(["nope", "--version"])).toBe(exitCodes.usage);
    expect(output.printed().slice(before)).toContain("Usage: mull");
  });

  it("refuses an unknown argv form, naming the option and what it takes", async () => {
    const options = { from: "electron" } as unknown as RunCliOptions;
    const refusal = await runCli(["node", "mull"], options).catch((error: unknown) => error);
    expect(ConfigError.isInstance(refusal)).toBe(true);
    expect((refusal as ConfigError).message).toBe('runCli: from must be "node" or "user", got "electron"');
  });
});
