import { z } from "zod";
import { parseOptions } from "../runtime/index.ts";

/** Every key of an options interface, each marked `true`: a key left out or one too many does not compile. */
export type OptionKeyList<Options> = { readonly [Key in keyof Options]-?: true };

/**
 * A check of the top-level keys of a test double's options object, made once per double: a key the double
 * does not take, usually a typo (`limts` for `limits`), is refused with the keys it takes rather than
 * silently ignored, so a test cannot run against a default it meant to change. The values are left to the
 * double's own checks.
 *
 * @throws ConfigError from the returned check: `<owner>: limts: unknown key (<owner> takes backend, limits,
 * …)` (field the key), or `<owner>: expected an options object { backend, limits, price, … }; got 5`
 * (field `options`) for a value that is no object.
 * @example
 * const checkKeys = strictOptionKeys<ServerOptions>("startServer", { port: true, host: true });
 * checkKeys(options);
 */
export function strictOptionKeys<Options>(
  owner: string,
  keys: OptionKeyList<Options>,
): (options: unknown) => void {
  const shape = Object.fromEntries(Object.keys(keys).map((key) => [key, z.unknown().optional()]));
  const schema = z.strictObject(shape);
  return (options) => {
    parseOptions(schema, options, owner);
  };
}
