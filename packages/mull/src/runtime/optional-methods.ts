import type { Backend } from "../spec/index.ts";

/** The names of the members of `T` that may be absent. */
type OptionalMember<T> = { [Name in keyof T]-?: object extends Pick<T, Name> ? Name : never }[keyof T];

/**
 * The optional methods of a `Backend` that a wrapper of it passes through: all of them but `dispose`, since
 * a wrapper made for one request or one route does not own the backend it wraps.
 */
export type OptionalMethods = Pick<Backend, Exclude<OptionalMember<Backend>, "dispose">>;

/**
 * The optional methods `backend` has (`score`, `countTokens`, `measureRates`: every optional method of
 * `Backend` but `dispose`), bound to it, for a wrapper to spread beside its own `describe`, `capabilities`
 * and `generate`. A method the backend lacks stays absent from the wrapper too, since callers test for its
 * presence: `countTokens` sizes a strategy's first call under a token budget (without it the prompt is
 * estimated from its characters), `score` is asked for where `capabilities.score` says so. An optional
 * method added to `Backend` fails to compile here until it is forwarded too.
 *
 * @example
 * const wrapped: Backend = {
 *   describe: () => backend.describe(),
 *   capabilities: (options) => backend.capabilities(options),
 *   generate: (request, options) => backend.generate({ ...request, extraBody }, options),
 *   ...optionalMethodsOf(backend),
 * };
 */
export function optionalMethodsOf(backend: Backend): OptionalMethods {
  const methods: { readonly [Name in keyof OptionalMethods]-?: OptionalMethods[Name] | undefined } = {
    score: backend.score?.bind(backend),
    countTokens: backend.countTokens?.bind(backend),
    measureRates: backend.measureRates?.bind(backend),
  };
  return Object.fromEntries(
    Object.entries(methods).filter(([, method]) => method !== undefined),
  ) as OptionalMethods;
}
