import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigError } from "../../mull/src/errors/index.ts";
import { exitOnRefusal } from "./exit-on-refusal.ts";

afterEach(() => vi.restoreAllMocks());

describe("exitOnRefusal", () => {
  it("prints a ConfigError's message on stderr and exits 2", async () => {
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    const write = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    await exitOnRefusal(Promise.reject(new ConfigError('evaluate.ts: model "x.pt" is not a GGUF file')));
    expect(write).toHaveBeenCalledWith('evaluate.ts: model "x.pt" is not a GGUF file\n');
    expect(exit).toHaveBeenCalledWith(2);
  });

  it("passes a check that resolves, and throws any other error", async () => {
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    await exitOnRefusal(Promise.resolve());
    await expect(exitOnRefusal(Promise.reject(new TypeError("bug")))).rejects.toThrow("bug");
    expect(exit).not.toHaveBeenCalled();
  });
});
