import { ConfigError } from "../../errors/index.ts";
import { findStrategyEntry, splitStrategyPrefix, standInStrategy } from "../../strategies/index.ts";

/** Why the parser refused `spec`, without the `strategy:` field and the spec it starts with. */
function parserReason(spec: string, message: string): string {
  const reason = message.replace(/^strategy: /, "");
  const quoted = JSON.stringify(spec);
  if (reason.startsWith(`${quoted}: `)) return reason.slice(quoted.length + 2);
  if (reason.startsWith(`${quoted} `)) return reason.slice(quoted.length + 1);
  return reason;
}

/** Why `spec` cannot be advertised as a prefix of every served model, or `undefined` when it can. */
function advertisedRefusal(spec: string): string | undefined {
  if (spec.includes(":")) {
    return `names models after ":"; expected the strategy alone (e.g. "sc@8"), which GET /v1/models lists as "sc@8:MODEL" for each served model`;
  }
  try {
    standInStrategy(spec);
  } catch (error) {
    if (!ConfigError.isInstance(error) || error.field !== "strategy") throw error;
    return parserReason(spec, error.message);
  }
  if (splitStrategyPrefix(`${spec}:model`)?.strategy !== spec) {
    return `is not read back as the prefix of a model name; expected the spec as a model name carries it, without spaces (e.g. "sc@8")`;
  }
  if (findStrategyEntry(spec)?.entry.needs.includes("models") === true) {
    return `routes between models, so "${spec}:MODEL" names one model and every request for it is refused; name a route of served models in routes instead (e.g. { "name": "routed", "strategy": "${spec}:small>large" })`;
  }
  return undefined;
}

/**
 * Checks `server.advertisedStrategies` before the server starts, from the specs alone, as `mull` checks a
 * `--strategies` flag (`standInStrategy`): each is listed by `GET /v1/models` as a prefix of every served
 * model (`sc@8:qwen2.5-7b`), so it must be a strategy spec without models (no `:`), in a catalog form with
 * each number in its range and accepted by the strategy's factory, that a model name carries as its
 * prefix, and not a routing strategy, which needs a route of two or more models rather than one. What a
 * spec needs of a model (an outcome scorer, a process reward model) is not checked: the list leaves it
 * out for a model without one.
 *
 * @throws ConfigError naming the entry (field `server.advertisedStrategies[i]`), its value and the reason:
 * `config.json: server.advertisedStrategies[1] "sc@0": gives N = 0 in sc@N; expected an integer from 1 to 100000`.
 * @example
 * checkAdvertisedStrategies(["sc@8", "bon@4"], "config.json"); // passes
 * checkAdvertisedStrategies(["nosuch@4"], "config.json"); // throws: … "nosuch@4": unknown spec "nosuch@4"; expected one of …
 */
export function checkAdvertisedStrategies(specs: readonly string[], source: string): void {
  specs.forEach((spec, index) => {
    const refusal = advertisedRefusal(spec);
    if (refusal === undefined) return;
    const field = `server.advertisedStrategies[${index}]`;
    throw new ConfigError(`${source}: ${field} ${JSON.stringify(spec)}: ${refusal}`, { field });
  });
}
