import { describe, expect, it, vi } from "vitest";
import { runPiped } from "./closed-pipe.test-support.ts";
import { endOnClosedPipe, stopOnClosedPipe } from "./end-on-closed-pipe.ts";

describe("a closed pipe on standard output or error", () => {
  it("ends `mull models` quietly with 0 when the reader is gone before the first line", async () => {
    const run = await runPiped(["models"], "stdout");
    expect(run.other).not.toMatch(/EPIPE|Unhandled/);
    expect(run.other).toBe("");
    expect(run.code).toBe(0);
  }, 60_000);

  it("ends `mull solve --help` quietly with 0 when the reader closes after the first line (| head -1)", async () => {
    const run = await runPiped(["solve", "--help"], "stdout", { firstLine: true });
    expect(run.other).not.toMatch(/EPIPE|Unhandled/);
    expect(run.code).toBe(0);
  }, 60_000);

  it("keeps the exit code a failed command set when its message meets a closed standard error", async () => {
    const run = await runPiped(["nope"], "stderr");
    expect(run.other).toBe("");
    expect(run.code).toBe(2);
  }, 60_000);

  it("adds one listener per stream, however often it is called", () => {
    endOnClosedPipe();
    const counts = [process.stdout, process.stderr].map((stream) => stream.listenerCount("error"));
    endOnClosedPipe();
    expect([process.stdout, process.stderr].map((stream) => stream.listenerCount("error"))).toEqual(counts);
  });

  it("stops a command that asked for it instead of ending the process, once, and lets it end with its own code", () => {
    endOnClosedPipe();
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as () => never);
    const epipe = () => Object.assign(new Error("write EPIPE"), { code: "EPIPE" });
    let stops = 0;
    const stop = () => {
      stops += 1;
    };
    let earlier = 0;
    const releaseEarlier = stopOnClosedPipe(() => {
      earlier += 1;
    });
    const release = stopOnClosedPipe(stop);
    // An earlier command's release, late, leaves the running command's stop in place.
    releaseEarlier();
    try {
      process.stderr.emit("error", epipe());
      process.stdout.emit("error", epipe());
      expect([stops, earlier]).toEqual([1, 0]);
      release();
      // Once a closed pipe stopped the command, the messages it ends with meet the pipe without ending
      // the process before its exit code is set.
      process.stderr.emit("error", epipe());
      expect(stops).toBe(1);
      expect(exit).not.toHaveBeenCalled();
    } finally {
      release();
      exit.mockRestore();
    }
  });
});
