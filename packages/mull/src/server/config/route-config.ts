import { z } from "zod";
import { ConfigError } from "../../errors/index.ts";
import { banditPolicyNames, repeatedRouteRefusal } from "../../routing/index.ts";
import { splitModelRoute, standInStrategy } from "../../strategies/index.ts";

const routeName = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, "expected 1-64 letters, digits, '.', '_' or '-'");

/**
 * One entry of `routes`: a model name clients use that routes over served models. Either a bandit over a
 * pool (`models` and `policy`), or a name for a routing strategy's spec (`strategy`).
 */
export const routeEntrySchema = z.strictObject({
  /** The name clients put in `model` (alone, or after a strategy prefix: `sc@8:auto`). */
  name: routeName,
  /** The pool of a bandit route: two or more served model names. */
  models: z.array(z.string().min(1)).min(2, "a pool needs two or more models").optional(),
  /** The bandit's policy: `ucb` (UCB1) or `thompson` (Thompson sampling on Beta posteriors). */
  policy: z.enum(banditPolicyNames as [string, ...string[]]).optional(),
  /** The price of one token in reward: the bandit maximises reward − λ·tokens·price. Default 0. */
  lambda: z.number().min(0).optional(),
  /** Seed of the bandit's rng (Thompson's draws). Default 0. */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
  /**
   * A served model that judges a bandit route's answers (an LLM judge, as `bon@N`'s): its verdict is the
   * reward when the chosen model has no checker that applies. Without it, the vote share and then whether
   * the answer finished stand in.
   */
  judge: z.string().min(1).optional(),
  /** A routing strategy's spec with its models after the colon, smallest first: `cascade@8:lab-small>lab-large`. */
  strategy: z.string().min(1).optional(),
});

/** One `routes` entry as written. */
export type RouteEntry = z.output<typeof routeEntrySchema>;

/**
 * Checks the `routes` of a configuration against the served models: a route's name is new (not a served
 * model, not another route), a bandit route has a policy and two or more different served models, a
 * strategy route names served models after its colon, a route is one kind or the other, and a judge is a
 * served model of a bandit route.
 *
 * @throws ConfigError naming the field, e.g. `routes[0].models[1]`, and listing the served models.
 */
export function checkRoutes(routes: readonly RouteEntry[], served: readonly string[], source: string): void {
  const listed = served.join(", ");
  const names = new Set<string>();
  routes.forEach((route, index) => {
    const field = `routes[${index}]`;
    if (served.includes(route.name) || names.has(route.name)) {
      throw new ConfigError(
        `${source}: ${field}.name "${route.name}" is already ${served.includes(route.name) ? "a served model" : "a route"}; name routes apart`,
        { field: `${field}.name` },
      );
    }
    names.add(route.name);
    const bandit = route.models !== undefined || route.policy !== undefined;
    if (bandit && route.strategy !== undefined) {
      throw new ConfigError(
        `${source}: ${field} has both strategy and models/policy; a route is a bandit over models (models, policy) or a strategy's spec (strategy)`,
        { field: `${field}.strategy` },
      );
    }
    if (!bandit && route.strategy === undefined) {
      throw new ConfigError(
        `${source}: ${field} needs models and policy (a bandit over a pool) or strategy (e.g. "cascade@8:small>large")`,
        { field: `${field}.models` },
      );
    }
    if (route.judge !== undefined && (!bandit || !served.includes(route.judge))) {
      throw new ConfigError(
        bandit
          ? `${source}: ${field}.judge "${route.judge}" is not a served model; served: ${listed}`
          : `${source}: ${field}.judge is for a bandit route (models, policy); a strategy route has no reward to judge`,
        { field: `${field}.judge` },
      );
    }
    if (route.strategy !== undefined) {
      const models = splitModelRoute(route.strategy).route;
      if (models === undefined || models.some((name) => name === "")) {
        throw new ConfigError(
          `${source}: ${field}.strategy "${route.strategy}" names no models; give them after a colon, smallest first (e.g. "cascade@8:small>large")`,
          { field: `${field}.strategy` },
        );
      }
      const unknown = models.find((name) => !served.includes(name));
      if (unknown !== undefined) {
        throw new ConfigError(
          `${source}: ${field}.strategy names "${unknown}", which is not a served model; served: ${listed}`,
          { field: `${field}.strategy` },
        );
      }
      // The spec itself, as a --strategies flag is checked: each number in its range, its route's size.
      try {
        standInStrategy(route.strategy);
      } catch (error) {
        if (!ConfigError.isInstance(error) || error.field !== "strategy") throw error;
        throw new ConfigError(`${source}: ${field}.${error.message}`, { field: `${field}.strategy` });
      }
      return;
    }
    if (route.models === undefined) {
      throw new ConfigError(`${source}: ${field}.models is missing: name two or more served models`, {
        field: `${field}.models`,
      });
    }
    if (route.policy === undefined) {
      throw new ConfigError(
        `${source}: ${field}.policy is missing: expected one of ${banditPolicyNames.join(", ")}`,
        { field: `${field}.policy` },
      );
    }
    route.models.forEach((name, position) => {
      const modelField = `${field}.models[${position}]`;
      if (!served.includes(name)) {
        throw new ConfigError(`${source}: ${modelField} "${name}" is not a served model; served: ${listed}`, {
          field: modelField,
        });
      }
    });
    const refusal = repeatedRouteRefusal(route.models, {
      field: `${field}.models`,
      owner: `of ${JSON.stringify(route.name)}`,
      written: JSON.stringify(route.models),
    });
    if (refusal !== undefined) throw new ConfigError(`${source}: ${refusal}`, { field: `${field}.models` });
  });
}
