import { describe, expect, it } from "vitest";
import { thrownConfigError } from "../../runtime/rejection.test-support.ts";
import { describeRunLocation, parseRunLocation, redactUrl } from "./run-location.ts";

describe("parseRunLocation", () => {
  it("reads a directory without a store, and a named run with a PostgreSQL URL", () => {
    expect(parseRunLocation("runs/gsm8k")).toEqual({ kind: "sqlite", directory: "runs/gsm8k" });
    expect(parseRunLocation("runs/gsm8k", "")).toEqual({ kind: "sqlite", directory: "runs/gsm8k" });
    expect(parseRunLocation("gsm8k/sc8", "postgres://u:pw@db:5432/runs")).toEqual({
      kind: "postgres",
      url: "postgres://u:pw@db:5432/runs",
      name: "gsm8k/sc8",
    });
    expect(parseRunLocation("r1", "postgresql://db/runs").kind).toBe("postgres");
  });

  it("names the field and never shows the password of a refused store", () => {
    const store = thrownConfigError(() => parseRunLocation("r1", "mysql://u:secret@db/runs"));
    expect(store.field).toBe("--store");
    expect(store.message).toContain('--store "mysql://u:***@db/runs": expected a PostgreSQL URL');
    expect(store.message).not.toContain("secret");
    expect(thrownConfigError(() => parseRunLocation("r1", "not a url")).field).toBe("--store");
    const name = thrownConfigError(() => parseRunLocation("../up", "postgres://db/runs"));
    expect(name.field).toBe("--out");
    expect(name.message).toContain('--out "../up": with --store, --out names the run');
    expect(thrownConfigError(() => parseRunLocation("a b", "postgres://db/runs")).field).toBe("--out");
    expect(thrownConfigError(() => parseRunLocation("")).field).toBe("--out");
  });
});

describe("redactUrl and describeRunLocation", () => {
  it("replace passwords, also in query parameters", () => {
    expect(redactUrl("postgres://mull:secret@db:5432/runs")).toBe("postgres://mull:***@db:5432/runs");
    expect(redactUrl("postgres://db/runs?password=secret&sslmode=require")).toBe(
      "postgres://db/runs?password=***&sslmode=require",
    );
    expect(redactUrl("postgres://mull@db/runs")).toBe("postgres://mull@db/runs");
    expect(redactUrl("::")).toBe("<unparsable URL>");
    expect(describeRunLocation({ kind: "postgres", url: "postgres://u:pw@db/x", name: "r1" })).toBe(
      "run r1 in postgres://u:***@db/x",
    );
    expect(describeRunLocation({ kind: "sqlite", directory: "runs/a" })).toBe("runs/a");
  });
});
