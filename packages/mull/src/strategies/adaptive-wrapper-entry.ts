import { ConfigError } from "../errors/index.ts";
import type { SamplingStrategy, Strategy } from "../spec/index.ts";
import {
  adaptiveConsistency,
  adaptiveConsistencyEntry,
  defaultAdaptiveThreshold,
} from "./adaptive-consistency.ts";
import { earlyStoppingConsistency, earlyStoppingConsistencyEntry } from "./early-stopping-consistency.ts";
import { wrapperName } from "./run-helpers.ts";
import { fitsSpecRange, specRangeError } from "./spec-number-range.ts";
import type { CatalogLookup, SpecValues, StrategyEntry } from "./strategy-entry.ts";

/**
 * The entries of a catalog a wrapper may name as INNER: those that declare `drawsWholeSamples`, each
 * building a `SamplingStrategy` that draws a fixed number of whole samples and chooses among them, so it
 * can be drawn in rounds (`withEarlyStop`). Strategies that stop or cut traces themselves (`asc@N`,
 * `mass@N`, `stability@N`, `force@T`), draw one sample (`greedy`), search, route or layer do not.
 *
 * @example
 * wrappableEntries(strategyCatalog).map((entry) => entry.forms[0]); // ["sc@N", "rs@N", "wv@N", …, "bon@N"]
 */
export function wrappableEntries(catalog: readonly StrategyEntry[]): StrategyEntry[] {
  return catalog.filter((entry) => entry.drawsWholeSamples === true);
}

const forms = ["asc(INNER)", "asc(INNER)d", "asc(INNER)tT", "asc(INNER)dtT", "esc(INNER)wW"];

/** The catalog's one-line summary of the wrappers, naming the families INNER may be. */
function summaryOf(catalog: readonly StrategyEntry[]): string {
  const families = wrappableEntries(catalog).map((entry) => entry.forms[0]!.split("@")[0]);
  return (
    `Adaptive-Consistency (as asc@N, with d and tT) or early stopping (as esc@NwW) around INNER, any of ` +
    `${families.join(", ")} at N; needs what INNER needs`
  );
}

/** `family(inner)suffix`, read from lower-case text without spaces. */
const wrapperShape = /^(asc|esc)\((.+)\)([^()]*)$/;
const ascSuffix = /^(d?)(?:t(\d+(?:\.\d+)?))?$/;
const escSuffix = /^w(\d+)$/;

/** How a wrapper stops its inner strategy early, as its spec's suffix says. */
type Stopping =
  | { readonly family: "asc"; readonly dirichlet: boolean; readonly threshold: number | undefined }
  | { readonly family: "esc"; readonly window: number };

/**
 * The refusal of a wrapper spec, listing the forms and what INNER may be: the specs of `catalog`'s entries
 * that draw whole samples.
 */
function malformed(text: string, problem: string, catalog: readonly StrategyEntry[]): ConfigError {
  const inner = wrappableEntries(catalog).flatMap((entry) => entry.forms);
  return new ConfigError(
    `strategy: ${JSON.stringify(text)} ${problem}; expected ${forms.join(", ")}, where INNER is one of ` +
      `${inner.join(", ")}`,
    { field: "strategy" },
  );
}

/** Why an entry cannot be wrapped, by what it does; an entry not in `own` is told how to declare it. */
function whyNotWrappable(entry: StrategyEntry, own: readonly StrategyEntry[]): string {
  switch (entry.kind) {
    case "search":
      return "a step-level search, which builds its answer step by step rather than drawing whole samples";
    case "routing":
      return "a router, which hands the problem between models rather than drawing whole samples";
    case "composition":
      return "an architecture, whose layers rank, fuse or rewrite answers rather than drawing whole samples";
    case "sampling": {
      if (entry.counterpart !== undefined) {
        return "which is already adaptive: it stops early or cuts its traces short itself";
      }
      // An entry of the caller's own is told how to declare what the catalog's entries declare.
      const declare = own.includes(entry) ? "" : " (its entry does not declare drawsWholeSamples: true)";
      return `which does not draw a fixed number of whole samples that can be drawn in rounds${declare}`;
    }
  }
}

function readStopping(
  text: string,
  shape: { readonly family: string; readonly suffix: string },
  catalog: readonly StrategyEntry[],
): Stopping {
  const { family, suffix } = shape;
  if (family === "asc") {
    const match = ascSuffix.exec(suffix);
    if (match === null) {
      throw malformed(text, `ends in ${JSON.stringify(suffix)} after asc(INNER)`, catalog);
    }
    const dirichlet = match[1] === "d";
    const threshold = match[2] === undefined ? undefined : Number(match[2]);
    // The range of asc@NtT's T, so that asc(sc@8)t0 is refused as asc@8t0 is.
    if (threshold !== undefined && !fitsSpecRange(adaptiveConsistencyEntry, "T", threshold)) {
      const form = `asc(INNER)${dirichlet ? "d" : ""}tT`;
      throw specRangeError(text, adaptiveConsistencyEntry, { form, letter: "T", value: threshold });
    }
    return { family: "asc", dirichlet, threshold };
  }
  const match = escSuffix.exec(suffix);
  if (match === null) {
    const written = suffix === "" ? "gives no window" : `ends in ${JSON.stringify(suffix)}`;
    const problem = `${written} after esc(INNER), where esc(INNER)wW takes windows of W samples`;
    throw malformed(text, problem, catalog);
  }
  const window = Number(match[1]);
  // The range of esc@NwW's W, so that esc(sc@8)w0 is refused as esc@8w0 is.
  if (!fitsSpecRange(earlyStoppingConsistencyEntry, "W", window)) {
    const number = { form: "esc(INNER)wW", letter: "W", value: window };
    throw specRangeError(text, earlyStoppingConsistencyEntry, number);
  }
  return { family: "esc", window };
}

/** The canonical suffix of a wrapper's name, as `adaptiveConsistency` and `earlyStoppingConsistency` write it. */
function suffixOf(stopping: Stopping): string {
  if (stopping.family === "esc") return `w${stopping.window}`;
  const { dirichlet, threshold } = stopping;
  const shown = threshold === undefined || threshold === defaultAdaptiveThreshold ? "" : `t${threshold}`;
  return `${dirichlet ? "d" : ""}${shown}`;
}

/** A form's letters: single capitals (`N` in `sc@N`). */
const formLetter = /(?<![A-Z])[A-Z](?![A-Z])/g;

/** A form's text from its `@` on (`@N` of `maj@N`), or `undefined` for a form without numbers. */
function afterFamily(form: string): string | undefined {
  const at = form.indexOf("@");
  return at < 0 ? undefined : form.slice(at);
}

/**
 * INNER's spec as the wrapper's name writes it: the first of its entry's forms that differs from the form
 * it was read by only in the family (`maj@N` is `sc@N`), its numbers written in.
 */
function innerSpecOf(entry: StrategyEntry, form: string, values: SpecValues): string {
  const numbers = afterFamily(form);
  const canonical =
    numbers === undefined ? form : (entry.forms.find((other) => afterFamily(other) === numbers) ?? form);
  return canonical.replace(formLetter, (letter) => String(values[letter]));
}

/** What of a `SamplingStrategy` a built strategy lacks (`withSamples`, `select`); empty when nothing. */
function missingSamplingMethods(strategy: Strategy): string[] {
  const candidate = strategy as Partial<SamplingStrategy>;
  return (["withSamples", "select"] as const).filter((method) => typeof candidate[method] !== "function");
}

/** The entry of one wrapper spec, around the inner entry `find` matched with its numbers. */
function wrapperOf(
  text: string,
  stopping: Stopping,
  inner: { readonly entry: StrategyEntry; readonly form: string; readonly values: SpecValues },
  summary: string,
): StrategyEntry {
  const innerSpec = innerSpecOf(inner.entry, inner.form, inner.values);
  // `sc@8` is the one inner spec the wrappers name by their own family (`asc@8`); 0 matches no other.
  const samples = inner.values.N ?? 0;
  const canonical = `${wrapperName(stopping.family, { name: innerSpec, samples })}${suffixOf(stopping)}`;
  return {
    forms: [canonical],
    kind: "sampling",
    choosesWholeSamples: inner.entry.choosesWholeSamples,
    summary,
    needs: inner.entry.needs,
    counterpart: () => innerSpec,
    create: (_values, dependencies) => {
      const built = inner.entry.create(inner.values, dependencies, inner.form);
      const missing = missingSamplingMethods(built);
      if (missing.length > 0) {
        throw new ConfigError(
          `strategy: ${JSON.stringify(text)} wraps ${JSON.stringify(innerSpec)}, whose entry declares ` +
            `drawsWholeSamples but builds ${JSON.stringify(built.name)} without ${missing.join(" or ")}; ` +
            "expected a SamplingStrategy (withSamples and select), which can be drawn in rounds",
          { field: "strategy" },
        );
      }
      const sampling = built as SamplingStrategy;
      return stopping.family === "esc"
        ? earlyStoppingConsistency(sampling, { window: stopping.window })
        : adaptiveConsistency(sampling, {
            ...(stopping.dirichlet ? { posterior: "dirichlet" } : {}),
            ...(stopping.threshold === undefined ? {} : { threshold: stopping.threshold }),
          });
    },
  };
}

/**
 * The entry of a wrapper spec, or `undefined` for a spec of another family. `own` is the catalog the
 * wrapper entry is listed in, whose entries need no hint of how to declare what they declare; refusals
 * list what INNER may be from the entries `find` looks specs up in (a caller's own catalog), else `own`.
 */
function resolveWrapper(
  text: string,
  find: CatalogLookup,
  own: readonly StrategyEntry[],
): StrategyEntry | undefined {
  const catalog = find.entries ?? own;
  const written = text.trim();
  // A model route after ":" is the caller's to judge (only routers take one).
  const colon = written.indexOf(":");
  const spec = (colon < 0 ? written : written.slice(0, colon)).toLowerCase().replace(/\s+/g, "");
  if (!/^(asc|esc)\(/.test(spec)) return undefined;
  const shape = wrapperShape.exec(spec);
  if (shape === null) throw malformed(written, "is not a whole wrapper spec", catalog);
  const [, family, innerText, suffix] = shape as unknown as [string, string, string, string];
  const stopping = readStopping(written, { family, suffix }, catalog);
  const match = find(innerText);
  const wraps = `wraps ${JSON.stringify(innerText)}`;
  if (match === undefined) throw malformed(written, `${wraps}, which is not a spec of the catalog`, catalog);
  if (match.form === undefined || match.values === undefined) {
    const expected = match.entry.forms.join(", ");
    throw malformed(written, `${wraps}, which is malformed or out of range (expected ${expected})`, catalog);
  }
  // What the entry `find` read INNER by declares, so an entry of the caller's own catalog is wrapped too.
  if (match.entry.drawsWholeSamples !== true) {
    throw malformed(written, `${wraps}, ${whyNotWrappable(match.entry, own)}`, catalog);
  }
  const inner = { entry: match.entry, form: match.form, values: match.values };
  return wrapperOf(written, stopping, inner, summaryOf(catalog));
}

/**
 * Adaptive wrappers in a strategy catalog: `asc(INNER)`, `asc(INNER)d`, `asc(INNER)tT`, `asc(INNER)dtT`
 * (`adaptiveConsistency`) and `esc(INNER)wW` (`earlyStoppingConsistency`) around any spec INNER whose
 * entry declares `drawsWholeSamples` (`bon@8`, `wv-prob@16`, or an entry of the caller's own catalog),
 * as the catalog `find` searches says. Each spec stands for an entry of its own (`resolve`) with INNER's
 * needs, INNER's spec as its counterpart, and the built strategy's name as its canonical text:
 * `asc(BON@8)t0.950` is `asc(bon@8)`, `esc(maj@16)w4` is `esc@16w4`. `catalog` is the catalog the
 * entry is listed in, whose wrappable entries its summary lists; a spec's entry and refusals list those of
 * the catalog `find` searches (`CatalogLookup.entries`: the caller's own, passed to `parseStrategySpec`
 * or `solve`), else the same.
 *
 * @throws ConfigError from `resolve` for a wrapper spec that is malformed or wraps anything else
 * (`asc(beam@4x2)`, `asc(asc@8)`), naming the spec and what INNER may be; and for a T or W out of the
 * range `asc@NtT` and `esc@NwW` give it (`asc(sc@8)t0`, refused as `asc@8t0` is), naming the number.
 * @example
 * export const strategyCatalog = Object.freeze([…, adaptiveWrapperEntryOver(() => strategyCatalog), …]);
 * const strategy = parseStrategySpec("asc(bon@8)", { scorer }); // strategy.name === "asc(bon@8)"
 */
export function adaptiveWrapperEntryOver(catalog: () => readonly StrategyEntry[]): StrategyEntry {
  return {
    forms,
    decimals: ["T"],
    kind: "sampling",
    choosesWholeSamples: true,
    // Read when asked for, as the catalog that lists this entry is not made yet when it is.
    get summary() {
      return summaryOf(catalog());
    },
    needs: [],
    // Replay reads the wrappers around a majority vote (`asc(sc@8)` as `asc@8`) and says why not the others.
    replay: "recorded",
    create: () => {
      throw new ConfigError(
        'strategy: an adaptive wrapper is named with its inner strategy, e.g. "asc(bon@8)"',
        { field: "strategy" },
      );
    },
    resolve: (text, find) => resolveWrapper(text, find, catalog()),
  };
}
