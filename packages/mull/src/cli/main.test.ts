import { afterEach, describe, expect, it, vi } from "vitest";
import { exitCodes, runCli } from "./main.ts";

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
});
