export {
  type BanditArmState,
  type BanditPolicy,
  type BanditPolicyName,
  banditPolicyNames,
} from "./bandit-policy.ts";
export {
  type BanditOutcome,
  type BanditRouter,
  type BanditRouterOptions,
  createBanditRouter,
} from "./bandit-router.ts";
export { sampleBeta } from "./sample-beta.ts";
export { thompsonPolicy } from "./thompson-policy.ts";
export { ucbPolicy } from "./ucb-policy.ts";
