import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { refuseEmptyStore } from "./refuse-empty-store.ts";

describe("refuseEmptyStore", () => {
  it("passes a store left out and a given one (whose form parseRunLocation checks)", () => {
    expect(() => refuseEmptyStore(undefined, "--store")).not.toThrow();
    expect(() => refuseEmptyStore("postgres://mull@db/runs", "--store")).not.toThrow();
  });

  it("refuses an empty store, naming the field and what it takes", () => {
    let refusal: unknown;
    try {
      refuseEmptyStore("", "--store");
    } catch (error) {
      refusal = error;
    }
    expect(ConfigError.isInstance(refusal)).toBe(true);
    expect((refusal as ConfigError).field).toBe("--store");
    expect((refusal as ConfigError).message).toBe(
      '--store "": expected a PostgreSQL URL such as postgres://user:password@host:5432/database ' +
        "(leave --store out for a run directory)",
    );
  });
});
