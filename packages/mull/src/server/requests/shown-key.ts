import { isShownWhole } from "./shown-value.ts";

/**
 * A key name that the client chose (an unknown field, a key of `logit_bias`) as an error message, its
 * `param` and the request's log line show it: one of up to 16 characters as it is (a typo such as `nn`
 * stays readable), a longer one by its length only, in parentheses, since a client may paste an API key
 * as a key name (`isShownWhole`, the rule values follow).
 *
 * @example
 * shownKey("nn", "an unknown key"); // "nn"
 * shownKey("sk-CANARY-paste-abcdef123", "an unknown key"); // "(an unknown key of 25 characters)"
 */
export function shownKey(key: string, noun: "a key" | "an unknown key" = "a key"): string {
  return isShownWhole(key) ? key : `(${noun} of ${key.length} characters)`;
}
