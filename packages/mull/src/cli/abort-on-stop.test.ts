import { afterEach, describe, expect, it, vi } from "vitest";
import { abortOnStop } from "./abort-on-stop.ts";
import { endOnClosedPipe } from "./end-on-closed-pipe.ts";

/** The listener `abortOnStop` added last for `signal`, called as the signal would call it. */
function listenerOf(signal: "SIGINT" | "SIGTERM"): () => void {
  return process.listeners(signal).at(-1) as () => void;
}

/** Captures what goes to standard error and stands in for `process.exit`. */
function capture() {
  const lines: string[] = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as () => never);
  return { lines, exit };
}

const message = { command: "bench", meanwhile: "finishing the current write" };

afterEach(() => {
  vi.restoreAllMocks();
});

describe("abortOnStop", () => {
  it("aborts on Ctrl-C, saying so, and quits with 130 on a second one", () => {
    const { lines, exit } = capture();
    const controller = new AbortController();
    const release = abortOnStop(controller, message);
    try {
      listenerOf("SIGINT")();
      expect(controller.signal.aborted).toBe(true);
      expect(lines).toEqual(["bench: interrupted; finishing the current write (Ctrl-C again to quit now)\n"]);
      expect(exit).not.toHaveBeenCalled();
      listenerOf("SIGINT")();
      expect(exit).toHaveBeenCalledWith(130);
    } finally {
      release();
    }
  });

  it("takes SIGTERM as Ctrl-C, naming it, and quits with 143 on a second signal", () => {
    const { lines, exit } = capture();
    const controller = new AbortController();
    const release = abortOnStop(controller, { command: "lab", meanwhile: "the queued pairs stay queued" });
    try {
      listenerOf("SIGTERM")();
      expect(controller.signal.aborted).toBe(true);
      expect(lines).toEqual([
        "lab: interrupted (SIGTERM); the queued pairs stay queued (SIGTERM or Ctrl-C again to quit now)\n",
      ]);
      listenerOf("SIGTERM")();
      expect(exit).toHaveBeenCalledWith(143);
    } finally {
      release();
    }
  });

  it("removes its listeners when released", () => {
    const counts = () => [process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")];
    const before = counts();
    const release = abortOnStop(new AbortController(), message);
    expect(counts()).toEqual(before.map((count) => count + 1));
    release();
    expect(counts()).toEqual(before);
  });

  it("aborts quietly on a closed pipe, which is not counted as a signal", () => {
    endOnClosedPipe();
    const { lines, exit } = capture();
    const controller = new AbortController();
    const release = abortOnStop(controller, message);
    try {
      process.stdout.emit("error", Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
      expect(controller.signal.aborted).toBe(true);
      expect(lines).toEqual([]);
      expect(exit).not.toHaveBeenCalled();
      // A first Ctrl-C after it is still the first: it says so and does not quit.
      listenerOf("SIGINT")();
      expect(lines).toHaveLength(1);
      expect(exit).not.toHaveBeenCalled();
    } finally {
      release();
    }
  });
});
