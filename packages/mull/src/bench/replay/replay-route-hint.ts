import { ConfigError } from "../../errors/index.ts";

/** A colon option replay reads itself (`:t0.99`, `:q0.8`, `:e10`, `:p0.5`), which is not a model route. */
const optionAfterColon = /^:[a-z]\d*\.?\d+$/i;

/**
 * What to do with a model route written after a spec's `:`, as live specs name their models
 * (`cascade@4x8:lab-v2-small>lab-v2-large`): replay's models are the recorded samples' own, so the route is
 * dropped. A hint for a spec whose text after the first `:` names models (`>`), or follows a cascade and is
 * not one of replay's colon options, and whose part before the `:` is a replay spec (`parse` returns
 * without throwing a `ConfigError`); `undefined` for any other spec.
 *
 * @example
 * replayRouteHint("cascade@4x8:lab-v2-small>lab-v2-large", parse);
 * // 'replay takes its models from --run and --escalate-run: drop ":lab-v2-small>lab-v2-large" (cascade@4x8)'
 */
export function replayRouteHint(trimmed: string, parse: (spec: string) => unknown): string | undefined {
  const colon = trimmed.indexOf(":");
  if (colon < 0) return undefined;
  const head = trimmed.slice(0, colon).trim();
  const route = trimmed.slice(colon);
  const cascade = /^cascade(-mass)?@/i.test(head) && !optionAfterColon.test(route);
  if (!route.includes(">") && !cascade) return undefined;
  try {
    parse(head);
  } catch (error) {
    if (ConfigError.isInstance(error)) return undefined;
    throw error;
  }
  return `replay takes its models from --run and --escalate-run: drop ${JSON.stringify(route)} (${head})`;
}
