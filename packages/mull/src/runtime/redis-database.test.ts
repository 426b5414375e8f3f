import { describe, expect, it } from "vitest";
import { explainStartFailure, isDatabaseRefusal, redisDatabaseProblem } from "./redis-database.ts";

describe("redisDatabaseProblem", () => {
  it("takes no database, or a whole number as the path or the db parameter", () => {
    for (const url of [
      "redis://127.0.0.1:6379",
      "redis://127.0.0.1:6379/",
      "redis://127.0.0.1:6379/0",
      "rediss://:pw@cache:6380/15",
      "redis://127.0.0.1:6379?db=3",
    ]) {
      expect(redisDatabaseProblem(new URL(url)), url).toBeUndefined();
    }
  });

  it("refuses a path or a db parameter a client would read as another database", () => {
    // parseInt reads "abc" as NaN (database 0 without a word) and "2x" as 2.
    expect(redisDatabaseProblem(new URL("redis://127.0.0.1:6379/abc"))).toBe(
      'expected a database number as the URL\'s path, e.g. /0, got "/abc"',
    );
    expect(redisDatabaseProblem(new URL("redis://127.0.0.1:6379/2x"))).toMatch(/got "\/2x"$/);
    expect(redisDatabaseProblem(new URL("redis://127.0.0.1:6379/-1"))).toMatch(/got "\/-1"$/);
    expect(redisDatabaseProblem(new URL("redis://127.0.0.1:6379/1/2"))).toMatch(/got "\/1\/2"$/);
    expect(redisDatabaseProblem(new URL("redis://127.0.0.1:6379?db=x"))).toBe(
      'expected a database number as the URL\'s db parameter, e.g. ?db=0, got "x"',
    );
  });
});

describe("isDatabaseRefusal and explainStartFailure", () => {
  it("tells Redis's refusal of a database from other failures, and says what it needs", () => {
    expect(isDatabaseRefusal("ERR DB index is out of range")).toBe(true);
    expect(isDatabaseRefusal("ERR invalid DB index")).toBe(true);
    expect(isDatabaseRefusal("NOAUTH Authentication required.")).toBe(false);
    expect(explainStartFailure("ERR DB index is out of range")).toBe(
      "ERR DB index is out of range (expected a database number below the server's database count, " +
        "the `databases` setting of its configuration: 16 by default)",
    );
    expect(explainStartFailure("connect ECONNREFUSED 127.0.0.1:1")).toBe("connect ECONNREFUSED 127.0.0.1:1");
  });
});
