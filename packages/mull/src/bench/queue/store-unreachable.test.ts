import { describe, expect, it } from "vitest";
import { MullError } from "../../errors/index.ts";
import { BenchRunError } from "../runner/index.ts";
import { isConnectionFailure, markStoreFailure, storeUnreachable } from "./store-unreachable.ts";

/** An error with a `code`, as Node's sockets and `pg` throw them. */
function coded(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** A pair's failure as `runPair` returns it, caused by `cause`. */
function pairFailure(cause: unknown): BenchRunError {
  return new BenchRunError("recording problem sum-1, strategy greedy failed", {
    problemId: "sum-1",
    strategy: "greedy",
    cause,
  });
}

describe("isConnectionFailure", () => {
  it("holds for refused, reset and dropped connections and a server shutting down or starting up", () => {
    for (const error of [
      coded("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"),
      coded("read ECONNRESET", "ECONNRESET"),
      coded("terminating connection due to administrator command", "57P01"),
      coded("the database system is starting up", "57P03"),
      new Error("Connection terminated unexpectedly"),
      new MullError("cannot connect to postgres://mull:***@db/runs: connect ECONNREFUSED 127.0.0.1:5432", {
        cause: coded("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"),
      }),
    ]) {
      expect(isConnectionFailure(error), error.message).toBe(true);
    }
  });

  it("does not hold for a refused login, a missing database, an unknown host or bad data", () => {
    for (const error of [
      coded('password authentication failed for user "mull"', "28P01"),
      coded('database "runs" does not exist', "3D000"),
      coded("getaddrinfo ENOTFOUND db", "ENOTFOUND"),
      coded("duplicate key value violates unique constraint", "23505"),
      new Error("Connection terminated"),
      "connect ECONNREFUSED",
    ]) {
      expect(isConnectionFailure(error), String(error)).toBe(false);
    }
  });
});

describe("storeUnreachable", () => {
  it("finds the store's connection failure under a pair's failure", () => {
    const refused = coded("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED");
    expect(storeUnreachable(pairFailure(markStoreFailure(refused)))).toBe(refused);
    const opening = markStoreFailure(
      new MullError("cannot connect to postgres://mull:***@db/runs: connect ECONNREFUSED 127.0.0.1:5432", {
        cause: refused,
      }),
    );
    expect(storeUnreachable(opening)).toBe(refused);
  });

  it("leaves out a backend's refused connection and the store's other failures", () => {
    const backend = new TypeError("fetch failed", {
      cause: coded("connect ECONNREFUSED 127.0.0.1:8080", "ECONNREFUSED"),
    });
    expect(storeUnreachable(pairFailure(backend))).toBeUndefined();
    const login = markStoreFailure(coded('password authentication failed for user "mull"', "28P01"));
    expect(storeUnreachable(pairFailure(login))).toBeUndefined();
    expect(storeUnreachable(markStoreFailure("read ECONNRESET"))).toBeUndefined();
  });
});
