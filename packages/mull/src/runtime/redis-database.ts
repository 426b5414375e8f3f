/**
 * What is wrong with the database a `redis://` URL selects, or `undefined` when it is a whole number
 * (or absent: database 0). The database is the URL's path (`redis://127.0.0.1:6379/2`) or its `db`
 * parameter. Redis clients read it with `parseInt`, so `/abc` would quietly become database 0 and `/2x`
 * database 2: both are refused here, before any connection.
 *
 * @example
 * redisDatabaseProblem(new URL("redis://127.0.0.1:6379/2")); // undefined
 * redisDatabaseProblem(new URL("redis://127.0.0.1:6379/abc")); // 'expected a database number as the URL\'s path, e.g. /0, got "/abc"'
 */
export function redisDatabaseProblem(url: URL): string | undefined {
  const path = url.pathname;
  if (path !== "" && path !== "/" && !/^\/\d{1,9}$/.test(path)) {
    return `expected a database number as the URL's path, e.g. /0, got ${JSON.stringify(path)}`;
  }
  const parameter = url.searchParams.get("db");
  if (parameter !== null && !/^\d{1,9}$/.test(parameter)) {
    return `expected a database number as the URL's db parameter, e.g. ?db=0, got ${JSON.stringify(parameter)}`;
  }
  return undefined;
}

/**
 * Whether Redis refused to select the URL's database: a number at or above the server's database count
 * (`ERR DB index is out of range`; `ERR invalid DB index` on older servers).
 */
export function isDatabaseRefusal(reason: string): boolean {
  return /^ERR (DB index is out of range|invalid DB index)/.test(reason);
}

/**
 * Redis's reason for a failed start, with what to do when it refused the database: the number must be
 * below the server's database count.
 *
 * @example
 * explainStartFailure("ERR DB index is out of range"); // "ERR DB index is out of range (expected a database number below …)"
 */
export function explainStartFailure(reason: string): string {
  if (!isDatabaseRefusal(reason)) return reason;
  return (
    `${reason} (expected a database number below the server's database count, ` +
    "the `databases` setting of its configuration: 16 by default)"
  );
}
