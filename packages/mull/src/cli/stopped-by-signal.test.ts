import { describe, expect, it } from "vitest";
import { MullError } from "../errors/index.ts";
import { StoppedBySignal } from "./stopped-by-signal.ts";

describe("StoppedBySignal", () => {
  it("carries the exit code a shell reports for the signal", () => {
    expect(new StoppedBySignal("tune", "SIGINT").exitCode).toBe(130);
    expect(new StoppedBySignal("tune", "SIGTERM").exitCode).toBe(143);
  });

  it("is a MullError known by its marker, and names the command and the signal", () => {
    const stopped = new StoppedBySignal("tune", "SIGTERM");
    expect(MullError.isInstance(stopped)).toBe(true);
    expect(StoppedBySignal.isInstance(stopped)).toBe(true);
    expect(StoppedBySignal.isInstance(new MullError("tune: failed"))).toBe(false);
    expect(stopped.message).toBe("tune: stopped by SIGTERM");
  });
});
