import { describe, expect, it } from "vitest";
import { startSilentServer } from "../bench/store/silent-server.test-support.ts";
import { ConfigError, MullError } from "../errors/index.ts";
import { rejection } from "../runtime/rejection.test-support.ts";
import { postgresUnderTest } from "../runtime/test-services.test-support.ts";
import { checkStoreReachable } from "./check-store-reachable.ts";

const postgres = postgresUnderTest();
if (postgres.missing !== undefined) console.log(postgres.missing);

describe("checkStoreReachable", () => {
  it("says a server it cannot reach as a failure (exit 1) naming the flag, the password redacted", async () => {
    // Port 9 (discard) has no PostgreSQL server on loopback: the connection is refused at once.
    const error = await rejection(
      checkStoreReachable("postgres://mull:s3cret-9@127.0.0.1:9/runs", "--store"),
    );
    expect(MullError.isInstance(error)).toBe(true);
    expect(ConfigError.isInstance(error)).toBe(false);
    expect((error as Error).message).toBe(
      "--store: cannot connect to postgres://mull:***@127.0.0.1:9/runs: connect ECONNREFUSED 127.0.0.1:9",
    );
  });

  it("gives up on a server that never answers after the URL's connect_timeout, as a failure (exit 1)", async () => {
    const silent = await startSilentServer();
    try {
      const url = `postgres://mull:s3cret-9@127.0.0.1:${silent.port}/runs?connect_timeout=1`;
      const started = performance.now();
      const error = await rejection(checkStoreReachable(url, "--store"));
      expect(performance.now() - started).toBeGreaterThanOrEqual(990);
      expect(MullError.isInstance(error)).toBe(true);
      expect(ConfigError.isInstance(error)).toBe(false);
      expect((error as Error).message).toBe(
        `--store: cannot connect to postgres://mull:***@127.0.0.1:${silent.port}/runs?connect_timeout=1: ` +
          "no answer within 1 s (connect_timeout=SECONDS in the URL waits longer, 0 as long as the " +
          "operating system does)",
      );
    } finally {
      await silent.close();
    }
  });

  it("says a connect_timeout that is not whole seconds as bad usage (exit 2) naming the flag", async () => {
    const error = await rejection(
      checkStoreReachable("postgres://mull:s3cret-9@127.0.0.1:9/runs?connect_timeout=5s", "--store"),
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).field).toBe("--store");
    expect((error as Error).message).toBe(
      "--store: postgres://mull:***@127.0.0.1:9/runs?connect_timeout=5s: connect_timeout must be whole " +
        'seconds from 0 (no limit) to 86400, got "5s"',
    );
  });

  describe.skipIf(postgres.url === undefined)("against PostgreSQL", () => {
    it("resolves for a store it can log in to", async () => {
      await expect(checkStoreReachable(postgres.url!, "--store")).resolves.toBeUndefined();
    });

    it("says a refused password or a missing database as bad usage (exit 2) naming the flag", async () => {
      const login = new URL(postgres.url!);
      login.password = "wrong-password-31f0";
      const refused = await rejection(checkStoreReachable(login.toString(), "--store"));
      expect(ConfigError.isInstance(refused)).toBe(true);
      expect((refused as ConfigError).field).toBe("--store");
      expect((refused as Error).message).toMatch(
        /^--store: cannot connect to postgres:\/\/[^:]+:\*\*\*@.*: password authentication failed for user /,
      );
      expect((refused as Error).message).not.toContain("wrong-password-31f0");
      const absent = new URL(postgres.url!);
      absent.pathname = "/no_such_database_31f0";
      const missing = await rejection(checkStoreReachable(absent.toString(), "--run"));
      expect((missing as ConfigError).field).toBe("--run");
      expect((missing as Error).message).toContain('database "no_such_database_31f0" does not exist');
    });
  });
});
