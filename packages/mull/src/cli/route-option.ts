import { InvalidArgumentError } from "@commander-js/extra-typings";
import { type BanditPolicyName, banditPolicyNames, repeatedRouteRefusal } from "../routing/index.ts";

/** A bandit route named on the command line: `--route auto=ucb:lab-small>lab-large`. */
export interface RouteFlag {
  readonly name: string;
  readonly policy: BanditPolicyName;
  readonly models: readonly string[];
}

const routeText = /^([A-Za-z0-9._-]{1,64})=([a-z]+):(.+)$/;

/**
 * A commander parser for `--route NAME=POLICY:MODEL>MODEL[>…]`, repeatable: each value is added to those
 * before it.
 *
 * @throws InvalidArgumentError for a value not of that form, an unknown policy, fewer than two models, or
 * a pool that names one model twice (`repeatedRouteRefusal`, naming `--route`, the pool and the model).
 * @example
 * new Command("serve").option("--route <spec>", "a bandit route", routeOption);
 * // --route auto=thompson:lab-small>lab-large → [{ name: "auto", policy: "thompson", models: ["lab-small", "lab-large"] }]
 */
export function routeOption(value: string, previous: readonly RouteFlag[] | undefined): RouteFlag[] {
  const match = routeText.exec(value.trim());
  if (match === null) {
    throw new InvalidArgumentError(
      `expected NAME=POLICY:MODEL>MODEL (e.g. auto=ucb:lab-small>lab-large), got "${value}"`,
    );
  }
  const [, name = "", policy = "", pool = ""] = match;
  if (!(banditPolicyNames as readonly string[]).includes(policy)) {
    throw new InvalidArgumentError(
      `unknown policy "${policy}"; expected one of ${banditPolicyNames.join(", ")}`,
    );
  }
  const models = pool.split(">").map((model) => model.trim());
  if (models.length < 2 || models.some((model) => model === "")) {
    throw new InvalidArgumentError(`the pool of "${value}" needs two or more model names separated by ">"`);
  }
  const refusal = repeatedRouteRefusal(models, { field: "--route", owner: `of ${JSON.stringify(name)}` });
  if (refusal !== undefined) throw new InvalidArgumentError(refusal);
  return [...(previous ?? []), { name, policy: policy as BanditPolicyName, models }];
}
