import { describe, expect, it } from "vitest";
import { thrownConfigError } from "../../runtime/rejection.test-support.ts";
import { describeConnectTimeout, postgresConnectTimeoutMilliseconds } from "./postgres-connect-timeout.ts";

describe("postgresConnectTimeoutMilliseconds", () => {
  it("reads the URL's connect_timeout in whole seconds, 0 for no limit", () => {
    expect(
      postgresConnectTimeoutMilliseconds("postgres://mull:pw@db:5432/runs?connect_timeout=30", 10_000),
    ).toBe(30_000);
    expect(
      postgresConnectTimeoutMilliseconds("postgresql://db/runs?sslmode=disable&connect_timeout=0", 10_000),
    ).toBe(0);
  });

  it("falls back when the URL has none, or is no URL at all", () => {
    expect(postgresConnectTimeoutMilliseconds("postgres://mull:pw@db:5432/runs", 10_000)).toBe(10_000);
    expect(postgresConnectTimeoutMilliseconds("postgres://mull:pw@db:5432/runs?sslmode=require", 250)).toBe(
      250,
    );
    expect(postgresConnectTimeoutMilliseconds("not a url", 10_000)).toBe(10_000);
  });

  it("refuses a value that is not whole seconds from 0 to a day, naming it and the redacted URL", () => {
    for (const [text, shown] of [
      ["ten", '"ten"'],
      ["1.5", "1.5"],
      ["-1", "-1"],
      ["", '""'],
      ["86401", "86401"],
    ] as const) {
      const error = thrownConfigError(() =>
        postgresConnectTimeoutMilliseconds(
          `postgres://mull:s3cret@db:5432/runs?connect_timeout=${text}`,
          10_000,
        ),
      );
      expect(error.field).toBe("connect_timeout");
      expect(error.message).toBe(
        `postgres://mull:***@db:5432/runs?connect_timeout=${text}: connect_timeout must be whole seconds ` +
          `from 0 (no limit) to 86400, got ${shown}`,
      );
    }
  });
});

describe("describeConnectTimeout", () => {
  it("says whole seconds in seconds and anything else in milliseconds", () => {
    expect(describeConnectTimeout(10_000)).toBe("10 s");
    expect(describeConnectTimeout(250)).toBe("250 ms");
    expect(describeConnectTimeout(1500)).toBe("1500 ms");
  });
});
