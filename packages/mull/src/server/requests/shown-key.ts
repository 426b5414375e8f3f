import { isShownWhole } from "./shown-value.ts";

/**
 * A key name that the client chose (an unknown field, a key of `logit_bias`) as an error message, its
 * `param` and the request's log line show it: one of up to 16 characters as it is (a typo such as `nn`
 * stays readable), and so lowercase words joined by underscores, up to 64 (`continue_final_message`, a
 * parameter some server takes: no API key looks like one); any other longer one by its length only, in
 * parentheses, since a client may paste an API key as a key name (`isShownWhole`, the rule values follow).
 *
 * @example
 * shownKey("nn", "an unknown key"); // "nn"
 * shownKey("continue_final_message", "an unknown key"); // "continue_final_message"
 * shownKey("sk-CANARY-paste-abcdef123", "an unknown key"); // "(an unknown key of 25 characters)"
 */
export function shownKey(key: string, noun: "a key" | "an unknown key" = "a key"): string {
  return isShownWhole(key) || parameterName.test(key) ? key : `(${noun} of ${key.length} characters)`;
}

/** Lowercase words joined by underscores, up to 64 characters: a parameter's name, never a secret's form. */
const parameterName = /^(?=.{1,64}$)[a-z]+(?:_[a-z]+)*$/;
