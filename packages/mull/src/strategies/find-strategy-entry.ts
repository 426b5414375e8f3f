import { optionError } from "../runtime/index.ts";
import { strategyCatalog } from "./catalog.ts";
import { compileSpecForm, type SpecForm } from "./spec-form.ts";
import type { SpecValues, StrategyEntry } from "./strategy-entry.ts";

/** What a spec argument must be, in the words of `optionError`. */
export const strategySpecText = 'a strategy spec (a string such as "sc@8")';

/** The largest integer a spec may carry. */
export const largestSpecValue = 100_000;

/** How a spec text relates to the catalog. */
export type SpecMatch =
  /** One of the entry's forms, with its integers (each from 1 to `largestSpecValue`). */
  | { readonly entry: StrategyEntry; readonly form: string; readonly values: SpecValues }
  /**
   * The entry's family (the words before `@`), but not one of its forms, or one of them with a number out
   * of range (`outOfRange`: the first such form, letter and value).
   */
  | {
      readonly entry: StrategyEntry;
      readonly form: undefined;
      readonly values: undefined;
      readonly outOfRange?:
        | { readonly form: string; readonly letter: string; readonly value: number }
        | undefined;
    };

const compiled: readonly { readonly entry: StrategyEntry; readonly forms: readonly SpecForm[] }[] =
  strategyCatalog.map((entry) => ({
    entry,
    // A family that resolves its own specs has forms that only describe it.
    forms:
      entry.resolve === undefined ? entry.forms.map((form) => compileSpecForm(form, entry.decimals)) : [],
  }));

/** A spec split from the model route after its first `:` (`cascade@8:lab-small>lab-large`). */
export interface RoutedSpec {
  /** The strategy spec before the route. */
  readonly spec: string;
  /** The models named after `:`, separated by `>`, in the order written; `undefined` without a route. */
  readonly route: readonly string[] | undefined;
}

/**
 * Splits a spec from its model route: `cascade@8:lab-small>lab-large` names the models `lab-small` and
 * `lab-large`. Model names keep their case (the strategy spec is read case-insensitively).
 *
 * @example
 * splitModelRoute("cascade@8:lab-small>lab-large"); // { spec: "cascade@8", route: ["lab-small", "lab-large"] }
 */
export function splitModelRoute(text: string): RoutedSpec {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(":");
  if (colon < 0) return { spec: trimmed, route: undefined };
  return {
    spec: trimmed.slice(0, colon).trim(),
    route: trimmed
      .slice(colon + 1)
      .split(">")
      .map((name) => name.trim()),
  };
}

/** The forms of every catalog entry, in catalog order. */
export const strategySpecForms: readonly string[] = strategyCatalog.flatMap((entry) => entry.forms);

/**
 * Finds the catalog entry a spec names (case and surrounding spaces ignored, and a model route after `:`):
 * with its numbers when the spec is well formed, without when only its family matches; `undefined` when no
 * family matches. A family that reads its own specs (`StrategyEntry.resolve`, an architecture) gives the
 * entry of that one spec, its canonical text as the form and no numbers.
 *
 * @throws ConfigError for a malformed spec of a family that reads its own specs (`gen@8+rank@x`), and for
 * a `text` that is not a string.
 * @example
 * findStrategyEntry("beam-la1@16x4")?.values; // { L: 1, N: 16, M: 4 }
 */
export function findStrategyEntry(text: string): SpecMatch | undefined {
  if (typeof text !== "string") throw optionError("findStrategyEntry", "text", text, strategySpecText);
  for (const entry of strategyCatalog) {
    const resolved = entry.resolve?.(text, findStrategyEntry);
    if (resolved !== undefined) return { entry: resolved, form: resolved.forms[0]!, values: {} };
  }
  const spec = splitModelRoute(text).spec.toLowerCase();
  const family = spec.split("@", 1)[0] ?? spec;
  let named: StrategyEntry | undefined;
  let outOfRange: { entry: StrategyEntry; form: string; letter: string; value: number } | undefined;
  for (const { entry, forms } of compiled) {
    for (const form of forms) {
      const values = form.read(spec);
      if (values !== undefined) {
        const wrong = Object.entries(values).find(
          ([letter, value]) =>
            !(entry.decimals?.includes(letter) === true
              ? Number.isFinite(value) && value > 0 && value <= largestSpecValue
              : Number.isSafeInteger(value) && value >= 1 && value <= largestSpecValue),
        );
        if (wrong === undefined) return { entry, form: form.form, values };
        outOfRange ??= { entry, form: form.form, letter: wrong[0], value: wrong[1] };
      }
      if (named === undefined && form.family.test(family)) named = entry;
    }
  }
  if (outOfRange !== undefined) {
    const { entry, ...number } = outOfRange;
    return { entry, form: undefined, values: undefined, outOfRange: number };
  }
  return named === undefined ? undefined : { entry: named, form: undefined, values: undefined };
}

/**
 * Whether a spec names a step-level search (well formed or not), i.e. one that needs a process reward
 * model.
 *
 * @example
 * isSearchSpec("pf@16"); // true
 * isSearchSpec("sc@16"); // false
 */
export function isSearchSpec(text: string): boolean {
  return findStrategyEntry(text)?.entry.kind === "search";
}
