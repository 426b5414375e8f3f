export { type AddressPolicy, createAddressPolicy } from "./address-policy.ts";
export { checkUpstreamUrl } from "./check-upstream-url.ts";
export {
  createGuardedFetch,
  type GuardedFetch,
  type GuardedFetchOptions,
  RefusedAddressError,
  type ResolveAll,
} from "./guarded-fetch.ts";
