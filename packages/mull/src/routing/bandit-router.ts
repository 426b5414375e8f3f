import { z } from "zod";
import { ConfigError } from "../errors/index.ts";
import {
  checkInteger,
  checkNumber,
  checkOneOf,
  describeValue,
  expecting,
  objectWithMethods,
  seededRng,
} from "../runtime/index.ts";
import type { Rng } from "../spec/index.ts";
import { checkFactoryOptions } from "../strategies/factory-options.ts";
import { checkedByFactory } from "../strategies/option-schemas.ts";
import {
  type BanditArmState,
  type BanditPolicy,
  type BanditPolicyName,
  banditPolicyNames,
} from "./bandit-policy.ts";
import { thompsonPolicy } from "./thompson-policy.ts";
import { ucbPolicy } from "./ucb-policy.ts";

/** What one pull brought: a reward from 0 to 1 and a cost (tokens × price per token). */
export interface BanditOutcome {
  /** What the pull earned, from 0 to 1. */
  readonly reward: number;
  /** What the pull cost, ≥ 0: tokens × the model's price per token. */
  readonly cost: number;
}

/** Options of `createBanditRouter`. */
export interface BanditRouterOptions {
  /** The arms' names (served models), two or more, all different. */
  readonly arms: readonly string[];
  /** `ucb` (UCB1) or `thompson` (Thompson sampling), or a policy object. */
  readonly policy: BanditPolicyName | BanditPolicy;
  /** The price of one unit of cost in reward: the router maximises reward − λ·cost. Default 0. */
  readonly lambda?: number | undefined;
  /** Seed of the router's own rng (Thompson's draws); default 0. Ignored when `rng` is given. */
  readonly seed?: number | undefined;
  /** The randomness of the policy's choices; default `seededRng(seed)`. */
  readonly rng?: Rng | undefined;
}

/** A multi-armed bandit over a pool of models: which to use next, and what each has earned so far. */
export interface BanditRouter {
  /** The name of the policy that chooses the arms: `ucb` or `thompson`. */
  readonly policy: BanditPolicyName;
  /** The price of one unit of cost in reward (≥ 0): the router maximises reward − λ·cost. */
  readonly lambda: number;
  /** Chooses the arm for the next request and counts the pull; give back its outcome with `record` or `release`. */
  choose(): string;
  /**
   * Records the outcome of a pull of `arm`.
   *
   * @throws ConfigError for an unknown arm, a reward outside [0, 1] or a negative or non-finite cost.
   */
  record(arm: string, outcome: BanditOutcome): void;
  /** Takes back a pull that brings no outcome (the request was refused or abandoned before any answer). */
  release(arm: string): void;
  /** Each arm's state, in the order of `arms`. */
  arms(): readonly BanditArmState[];
}

const banditRouterOptions = z.strictObject({
  arms: checkedByFactory,
  // A name is checked against the policies' names below; anything else must be a policy.
  policy: z.custom<BanditPolicyName | BanditPolicy>(
    (value) =>
      typeof value === "string" ||
      (typeof value === "object" &&
        value !== null &&
        typeof (value as Partial<BanditPolicy>).choose === "function"),
    { error: expecting("a policy name or a bandit policy (an object with a choose method)") },
  ),
  lambda: checkedByFactory,
  seed: checkedByFactory,
  rng: objectWithMethods<Rng>({ expected: "an rng", noun: "rng", methods: ["next"] }).optional(),
} satisfies Record<keyof BanditRouterOptions, unknown>);

interface MutableArm {
  name: string;
  pulls: number;
  observations: number;
  rewardSum: number;
  costSum: number;
}

function stateOf(arm: MutableArm): BanditArmState {
  return {
    name: arm.name,
    pulls: arm.pulls,
    observations: arm.observations,
    meanReward: arm.observations === 0 ? 0 : arm.rewardSum / arm.observations,
    meanCost: arm.observations === 0 ? 0 : arm.costSum / arm.observations,
  };
}

/**
 * A bandit router over a pool of models, with no I/O: `choose()` names the model for the next request,
 * `record(model, { reward, cost })` teaches it what the request earned. The policy maximises
 * reward − λ·cost; with the same seed and the same outcomes it makes the same choices.
 *
 * @throws ConfigError naming the field: an unknown option, fewer than two arms, a repeated or empty arm, an unknown policy,
 * a negative λ, a seed that is not an integer.
 * @example
 * const router = createBanditRouter({ arms: ["lab-small", "lab-large"], policy: "thompson", lambda: 0.001, seed: 1 });
 * const model = router.choose();
 * router.record(model, { reward: 1, cost: 120 });
 */
export function createBanditRouter(options: BanditRouterOptions): BanditRouter {
  // Named as it is called, as createBudget and createCircuitBreaker are.
  const owner = "createBanditRouter";
  checkFactoryOptions(banditRouterOptions, options, owner);
  if (!Array.isArray(options.arms) || options.arms.length < 2) {
    throw new ConfigError(`${owner}: arms must name two or more models, got ${describeValue(options.arms)}`, {
      field: "arms",
    });
  }
  const seen = new Set<string>();
  for (const name of options.arms) {
    if (typeof name !== "string" || name === "" || seen.has(name)) {
      throw new ConfigError(
        `${owner}: arms must be different non-empty names, got ${describeValue(options.arms)}`,
        { field: "arms" },
      );
    }
    seen.add(name);
  }
  const policy =
    typeof options.policy === "object"
      ? options.policy
      : checkOneOf(owner, "policy", options.policy, banditPolicyNames) === "ucb"
        ? ucbPolicy()
        : thompsonPolicy();
  const lambda = checkNumber(owner, "lambda", options.lambda ?? 0, { minimum: 0 });
  const rng = options.rng ?? seededRng(checkInteger(owner, "seed", options.seed ?? 0, { minimum: 0 }));
  const arms: MutableArm[] = options.arms.map((name) => ({
    name,
    pulls: 0,
    observations: 0,
    rewardSum: 0,
    costSum: 0,
  }));
  const armNamed = (name: string): MutableArm => {
    const arm = arms.find((candidate) => candidate.name === name);
    if (arm === undefined) {
      throw new ConfigError(
        `${owner}: unknown arm ${JSON.stringify(name)}; the arms are ${options.arms.join(", ")}`,
        { field: "arm" },
      );
    }
    return arm;
  };
  return {
    policy: policy.name,
    lambda,
    choose() {
      const arm = arms[policy.choose(arms.map(stateOf), lambda, rng)];
      if (arm === undefined) throw new Error(`policy ${policy.name} chose no arm`);
      arm.pulls += 1;
      return arm.name;
    },
    record(name, outcome) {
      const arm = armNamed(name);
      const reward = checkNumber(owner, "reward", outcome.reward, { minimum: 0, maximum: 1 });
      const cost = checkNumber(owner, "cost", outcome.cost, { minimum: 0 });
      arm.observations += 1;
      // An outcome without a counted pull (recorded twice, or after a release) still counts as one.
      arm.pulls = Math.max(arm.pulls, arm.observations);
      arm.rewardSum += reward;
      arm.costSum += cost;
    },
    release(name) {
      const arm = armNamed(name);
      arm.pulls = Math.max(arm.observations, arm.pulls - 1);
    },
    arms: () => arms.map(stateOf),
  };
}
