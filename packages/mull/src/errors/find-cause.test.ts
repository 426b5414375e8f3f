import { describe, expect, it } from "vitest";
import { BackendCallError } from "./backend-call-error.ts";
import { ConfigError } from "./config-error.ts";
import { findCause } from "./find-cause.ts";

describe("findCause", () => {
  it("returns the error itself when it matches", () => {
    const error = new ConfigError("bad");
    expect(findCause(error, ConfigError.isInstance)).toBe(error);
  });

  it("returns the first matching error down the cause chain", () => {
    const deep = new BackendCallError("deep", { status: 500 });
    const near = new BackendCallError("near", { status: 429, cause: deep });
    const outer = new Error("outer", { cause: new Error("middle", { cause: near }) });
    expect(findCause(outer, BackendCallError.isInstance)).toBe(near);
  });

  it("returns undefined when nothing in the chain matches", () => {
    const outer = new Error("outer", { cause: new Error("inner", { cause: "a string" }) });
    expect(findCause(outer, ConfigError.isInstance)).toBeUndefined();
  });

  it("returns undefined for values that are not errors", () => {
    expect(findCause(undefined, ConfigError.isInstance)).toBeUndefined();
    const asked: unknown[] = [];
    const anything = (candidate: unknown): candidate is unknown => {
      asked.push(candidate);
      return true;
    };
    expect(findCause("text", anything)).toBeUndefined();
    expect(findCause(null, anything)).toBeUndefined();
    expect(asked).toEqual([]);
  });

  it("stops on a chain that loops back on itself", () => {
    const first = new Error("first");
    const second = new Error("second", { cause: first });
    (first as { cause?: unknown }).cause = second;
    const seen: unknown[] = [];
    const found = findCause(first, (candidate): candidate is ConfigError => {
      seen.push(candidate);
      return false;
    });
    expect(found).toBeUndefined();
    expect(seen).toEqual([first, second]);
  });

  it("stops on an object that is its own cause", () => {
    const error = new Error("self");
    (error as { cause?: unknown }).cause = error;
    expect(findCause(error, ConfigError.isInstance)).toBeUndefined();
  });

  it("gives up after 16 links of a long chain", () => {
    let error: Error = new ConfigError("bottom");
    for (let link = 0; link < 20; link += 1) error = new Error(`link ${link}`, { cause: error });
    expect(findCause(error, ConfigError.isInstance)).toBeUndefined();
    let short: Error = new ConfigError("bottom");
    for (let link = 0; link < 15; link += 1) short = new Error(`link ${link}`, { cause: short });
    expect(findCause(short, ConfigError.isInstance)?.message).toBe("bottom");
  });
});
