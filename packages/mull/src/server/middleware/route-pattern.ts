import type { Context } from "hono";
import { matchedRoutes } from "hono/route";

/**
 * The pattern of the route a request's path matches (`/v1/chat/completions`, `/items/:id`), whichever
 * handler answered it: a key check or a drain guard that refuses the request before its route runs
 * answers for that route all the same. Middleware patterns (`*`, `/v1/messages/*`) name no route, so a
 * path that matches only those gives `undefined`.
 *
 * @example
 * const route = routePattern(context) ?? "unmatched";
 */
export function routePattern(context: Context): string | undefined {
  return matchedRoutes(context).find((route) => !route.path.includes("*"))?.path;
}
