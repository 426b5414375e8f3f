import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { optionsOrExitCode } from "./options-or-exit-code.ts";

afterEach(() => vi.restoreAllMocks());

/** What `optionsOrExitCode` returns for `read`, with what it printed on stdout and stderr. */
function answer(read: () => { readonly count: number } | undefined) {
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  const result = optionsOrExitCode(read, "Usage: x.ts [options]\n");
  return { result, stdout: stdout.mock.calls.join(""), stderr: stderr.mock.calls.join("") };
}

describe("optionsOrExitCode", () => {
  it("passes the options through, printing nothing", () => {
    expect(answer(() => ({ count: 3 }))).toEqual({ result: { count: 3 }, stdout: "", stderr: "" });
  });

  it("prints the usage for --help and answers 0", () => {
    expect(answer(() => undefined)).toEqual({ result: 0, stdout: "Usage: x.ts [options]\n", stderr: "" });
  });

  it("prints a refusal's message on one line and answers 2", () => {
    const refused = answer(() => {
      throw new ConfigError("x.ts: --count must be an integer ≥ 1, got 0", { field: "--count" });
    });
    expect(refused).toEqual({
      result: 2,
      stdout: "",
      stderr: "x.ts: --count must be an integer ≥ 1, got 0\n",
    });
  });

  it("throws any other error", () => {
    expect(() =>
      optionsOrExitCode(() => {
        throw new TypeError("a bug");
      }, ""),
    ).toThrow("a bug");
  });
});
