import { describe, expect, it, vi } from "vitest";
import { ignoreFileSizeSignal } from "./ignore-file-size-signal.ts";
import { runCli } from "./main.ts";

describe.skipIf(process.platform === "win32")("ignoreFileSizeSignal", () => {
  it("adds one SIGXFSZ listener, however often it (or runCli) is called", async () => {
    ignoreFileSizeSignal();
    const listeners = process.listeners("SIGXFSZ");
    expect(listeners.length).toBeGreaterThanOrEqual(1);
    ignoreFileSizeSignal();
    const quiet = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      expect(await runCli(["--version"], { from: "user" })).toBe(0);
    } finally {
      quiet.mockRestore();
    }
    expect(process.listeners("SIGXFSZ")).toEqual(listeners);
  });
});
