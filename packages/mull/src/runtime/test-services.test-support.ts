/**
 * The real Redis and PostgreSQL servers the scale-out tests use. `scripts/start-test-services.sh` (run by
 * `.ci/run`) starts both and prints `MULL_TEST_REDIS_URL` and `MULL_TEST_POSTGRES_URL`; without them the
 * tests skip with the message below, unless `MULL_REQUIRE_SERVICES=1` (set by CI) turns a missing service
 * into a failure.
 */

/** Environment variable that turns a missing test service into a failure instead of a skip. */
export const requireServicesVariable = "MULL_REQUIRE_SERVICES";

/** A service the tests can use, or why there is none. */
export type ServiceLookup =
  | { readonly url: string; readonly missing?: undefined }
  | { readonly url?: undefined; readonly missing: string };

function lookup(variable: string, name: string, environment: NodeJS.ProcessEnv): ServiceLookup {
  const url = environment[variable];
  if (url !== undefined && url !== "") return { url };
  const missing =
    `${name} tests skipped: ${variable} is not set (start the services with ` +
    '`eval "$(scripts/start-test-services.sh)"`)';
  if (environment[requireServicesVariable] === "1") {
    throw new Error(`${missing}, and ${requireServicesVariable}=1 requires them`);
  }
  return { missing };
}

/** The Redis server for tests (`MULL_TEST_REDIS_URL`, e.g. `redis://127.0.0.1:6379`). */
export function redisUnderTest(environment: NodeJS.ProcessEnv = process.env): ServiceLookup {
  return lookup("MULL_TEST_REDIS_URL", "Redis", environment);
}

/** The PostgreSQL server for tests (`MULL_TEST_POSTGRES_URL`, e.g. `postgres://mull:mull@127.0.0.1:5432/mull`). */
export function postgresUnderTest(environment: NodeJS.ProcessEnv = process.env): ServiceLookup {
  return lookup("MULL_TEST_POSTGRES_URL", "PostgreSQL", environment);
}
