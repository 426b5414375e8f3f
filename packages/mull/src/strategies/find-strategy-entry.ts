import { z } from "zod";
import { optionError } from "../runtime/index.ts";
import { strategyCatalog } from "./catalog.ts";
import { checkFactoryOptions } from "./factory-options.ts";
import { compileSpecForm, type SpecForm } from "./spec-form.ts";
import { fitsSpecRange } from "./spec-number-range.ts";
import { strategyCatalogOption } from "./strategy-catalog-option.ts";
import type { CatalogLookup, SpecValues, StrategyEntry } from "./strategy-entry.ts";

/** What a spec argument must be, in the words of `optionError`. */
export const strategySpecText = 'a strategy spec (a string such as "sc@8")';

/** The largest integer a spec may carry. */
export { largestSpecValue } from "./spec-number-range.ts";

/** How a spec text relates to the catalog. */
export type SpecMatch =
  /** One of the entry's forms, with its numbers, each in its letter's range (`fitsSpecRange`). */
  | { readonly entry: StrategyEntry; readonly form: string; readonly values: SpecValues }
  /**
   * The entry's family (the words before `@`), but not one of its forms, or one of them with a number out
   * of its letter's range, its ceiling included (`outOfRange`: the first such form, letter and value).
   */
  | {
      readonly entry: StrategyEntry;
      readonly form: undefined;
      readonly values: undefined;
      readonly outOfRange?:
        | { readonly form: string; readonly letter: string; readonly value: number }
        | undefined;
    };

/** Options of `findStrategyEntry` and `isSearchSpec`. */
export interface FindStrategyEntryOptions {
  /**
   * The entries a spec is looked up in, in order, the first that reads it winning; default
   * `strategyCatalog`. A strategy of your own joins specs as `[...strategyCatalog, myEntry]`.
   */
  readonly catalog?: readonly StrategyEntry[] | undefined;
}

const findStrategyEntryOptions = z.strictObject({
  catalog: strategyCatalogOption.optional(),
} satisfies Record<keyof FindStrategyEntryOptions, unknown>);

/** Each entry's compiled forms, compiled once however many catalogs list it. */
const compiledForms = new WeakMap<StrategyEntry, readonly SpecForm[]>();

function formsOf(entry: StrategyEntry): readonly SpecForm[] {
  let forms = compiledForms.get(entry);
  if (forms === undefined) {
    // A family that resolves its own specs has forms that only describe it.
    forms =
      entry.resolve === undefined ? entry.forms.map((form) => compileSpecForm(form, entry.decimals)) : [];
    compiledForms.set(entry, forms);
  }
  return forms;
}

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

/** The forms of every entry of `strategyCatalog`, in catalog order. */
export const strategySpecForms: readonly string[] = strategyCatalog.flatMap((entry) => entry.forms);

/**
 * Finds the catalog entry a spec names (case and surrounding spaces ignored, and a model route after `:`):
 * with its numbers when the spec is well formed, without when only its family matches; `undefined` when no
 * family matches. A family that reads its own specs (`StrategyEntry.resolve`, an architecture) gives the
 * entry of that one spec, its canonical text as the form and no numbers. The entries are
 * `options.catalog`'s, default `strategyCatalog`.
 *
 * @throws ConfigError for a malformed spec of a family that reads its own specs (`gen@8+rank@x`), for
 * a `text` that is not a string, and for a `catalog` that is not an array of entries, naming the entry
 * and field (`findStrategyEntry: catalog[38].create must be a function …, got undefined`).
 * @example
 * findStrategyEntry("beam-la1@16x4")?.values; // { L: 1, N: 16, M: 4 }
 * findStrategyEntry("two-agree@4", { catalog: [...strategyCatalog, twoAgreeEntry] })?.values; // { N: 4 }
 */
export function findStrategyEntry(
  text: string,
  options: FindStrategyEntryOptions = {},
): SpecMatch | undefined {
  if (typeof text !== "string") throw optionError("findStrategyEntry", "text", text, strategySpecText);
  checkFactoryOptions(findStrategyEntryOptions, options, "findStrategyEntry");
  // The entries as given, not as parsed: entries are told apart by identity.
  return lookUpSpec(text, options.catalog ?? strategyCatalog);
}

function lookUpSpec(text: string, catalog: readonly StrategyEntry[]): SpecMatch | undefined {
  // A family whose specs name other specs looks them up in the same entries, and may list them.
  const find: CatalogLookup = Object.assign((spec: string) => lookUpSpec(spec, catalog), {
    entries: catalog,
  });
  for (const entry of catalog) {
    const resolved = entry.resolve?.(text, find);
    if (resolved !== undefined) return { entry: resolved, form: resolved.forms[0]!, values: {} };
  }
  const spec = splitModelRoute(text).spec.toLowerCase();
  const family = spec.split("@", 1)[0] ?? spec;
  let named: StrategyEntry | undefined;
  let outOfRange: { entry: StrategyEntry; form: string; letter: string; value: number } | undefined;
  for (const entry of catalog) {
    for (const form of formsOf(entry)) {
      const values = form.read(spec);
      if (values !== undefined) {
        const wrong = Object.entries(values).find(([letter, value]) => !fitsSpecRange(entry, letter, value));
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
 * model; the entries are `options.catalog`'s, default `strategyCatalog`.
 *
 * @example
 * isSearchSpec("pf@16"); // true
 * isSearchSpec("sc@16"); // false
 */
export function isSearchSpec(text: string, options: FindStrategyEntryOptions = {}): boolean {
  return findStrategyEntry(text, options)?.entry.kind === "search";
}
