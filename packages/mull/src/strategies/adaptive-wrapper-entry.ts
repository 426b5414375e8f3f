import { ConfigError } from "../errors/index.ts";
import type { SamplingStrategy, Strategy } from "../spec/index.ts";
import {
  adaptiveConsistency,
  adaptiveConsistencyEntry,
  defaultAdaptiveThreshold,
} from "./adaptive-consistency.ts";
import { bestOfNEntry } from "./best-of-n.ts";
import { deepConfEntry } from "./deep-conf.ts";
import { earlyStoppingConsistency, earlyStoppingConsistencyEntry } from "./early-stopping-consistency.ts";
import { perplexityConsistencyEntry } from "./perplexity-consistency.ts";
import { repeatedSamplingEntry } from "./repeated-sampling.ts";
import { wrapperName } from "./run-helpers.ts";
import { selfCertaintyEntry } from "./self-certainty.ts";
import { selfConsistencyEntry } from "./self-consistency.ts";
import { fitsSpecRange, specRangeError } from "./spec-number-range.ts";
import type { CatalogLookup, SpecValues, StrategyEntry } from "./strategy-entry.ts";
import {
  meanProbabilityVotingEntry,
  probabilityVotingEntry,
  weightedVotingEntry,
} from "./weighted-voting.ts";

/**
 * The entries a wrapper may name as INNER: each builds a `SamplingStrategy` that draws a fixed number of
 * whole samples and chooses among them, so it can be drawn in rounds (`withEarlyStop`). Strategies that
 * stop or cut traces themselves (`asc@N`, `mass@N`, `stability@N`, `force@T`), draw one sample
 * (`greedy`), search, route or layer are not.
 */
const wrappable: readonly StrategyEntry[] = [
  selfConsistencyEntry,
  repeatedSamplingEntry,
  weightedVotingEntry,
  probabilityVotingEntry,
  meanProbabilityVotingEntry,
  perplexityConsistencyEntry,
  deepConfEntry,
  selfCertaintyEntry,
  bestOfNEntry,
];

const wrappableForms = wrappable.flatMap((entry) => entry.forms).join(", ");

const forms = ["asc(INNER)", "asc(INNER)d", "asc(INNER)tT", "asc(INNER)dtT", "esc(INNER)wW"];

const wrappableFamilies = wrappable.map((entry) => entry.forms[0]!.split("@")[0]).join(", ");

const summary =
  `Adaptive-Consistency (as asc@N, with d and tT) or early stopping (as esc@NwW) around INNER, any of ` +
  `${wrappableFamilies} at N; needs what INNER needs`;

/** `family(inner)suffix`, read from lower-case text without spaces. */
const wrapperShape = /^(asc|esc)\((.+)\)([^()]*)$/;
const ascSuffix = /^(d?)(?:t(\d+(?:\.\d+)?))?$/;
const escSuffix = /^w(\d+)$/;

/** How a wrapper stops its inner strategy early, as its spec's suffix says. */
type Stopping =
  | { readonly family: "asc"; readonly dirichlet: boolean; readonly threshold: number | undefined }
  | { readonly family: "esc"; readonly window: number };

function malformed(text: string, problem: string): ConfigError {
  return new ConfigError(
    `strategy: ${JSON.stringify(text)} ${problem}; expected ${forms.join(", ")}, where INNER is one of ` +
      `${wrappableForms}`,
    { field: "strategy" },
  );
}

/** Why an entry cannot be wrapped, by what it does. */
function whyNotWrappable(entry: StrategyEntry): string {
  switch (entry.kind) {
    case "search":
      return "a step-level search, which builds its answer step by step rather than drawing whole samples";
    case "routing":
      return "a router, which hands the problem between models rather than drawing whole samples";
    case "composition":
      return "an architecture, whose layers rank, fuse or rewrite answers rather than drawing whole samples";
    case "sampling":
      return entry.counterpart === undefined
        ? "which does not draw a fixed number of whole samples that can be drawn in rounds"
        : "which is already adaptive: it stops early or cuts its traces short itself";
  }
}

function readStopping(text: string, family: string, suffix: string): Stopping {
  if (family === "asc") {
    const match = ascSuffix.exec(suffix);
    if (match === null) throw malformed(text, `ends in ${JSON.stringify(suffix)} after asc(INNER)`);
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
    throw malformed(text, `${written} after esc(INNER), where esc(INNER)wW takes windows of W samples`);
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

function isSamplingStrategy(strategy: Strategy): strategy is SamplingStrategy {
  const candidate = strategy as Partial<SamplingStrategy>;
  return typeof candidate.withSamples === "function" && typeof candidate.select === "function";
}

/** The entry of one wrapper spec, around the inner entry `find` matched with its numbers. */
function wrapperOf(
  text: string,
  stopping: Stopping,
  inner: { readonly entry: StrategyEntry; readonly form: string; readonly values: SpecValues },
): StrategyEntry {
  // The wrappable entries' first forms are their canonical ones (`maj@8` is `sc@8`).
  const innerSpec = inner.entry.forms[0]!.replace(/[A-Z]/g, (letter) => String(inner.values[letter]));
  const samples = inner.values.N!;
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
      if (!isSamplingStrategy(built)) {
        throw malformed(text, `wraps ${built.name}, which cannot be drawn in rounds`);
      }
      return stopping.family === "esc"
        ? earlyStoppingConsistency(built, { window: stopping.window })
        : adaptiveConsistency(built, {
            ...(stopping.dirichlet ? { posterior: "dirichlet" } : {}),
            ...(stopping.threshold === undefined ? {} : { threshold: stopping.threshold }),
          });
    },
  };
}

function resolveWrapper(text: string, find: CatalogLookup): StrategyEntry | undefined {
  const written = text.trim();
  // A model route after ":" is the caller's to judge (only routers take one).
  const colon = written.indexOf(":");
  const spec = (colon < 0 ? written : written.slice(0, colon)).toLowerCase().replace(/\s+/g, "");
  if (!/^(asc|esc)\(/.test(spec)) return undefined;
  const shape = wrapperShape.exec(spec);
  if (shape === null) throw malformed(written, "is not a whole wrapper spec");
  const [, family, innerText, suffix] = shape as unknown as [string, string, string, string];
  const stopping = readStopping(written, family, suffix);
  const match = find(innerText);
  if (match === undefined) {
    throw malformed(written, `wraps ${JSON.stringify(innerText)}, which is not a spec of the catalog`);
  }
  if (match.form === undefined || match.values === undefined) {
    throw malformed(
      written,
      `wraps ${JSON.stringify(innerText)}, which is malformed or out of range (expected ${match.entry.forms.join(", ")})`,
    );
  }
  if (!wrappable.includes(match.entry)) {
    throw malformed(written, `wraps ${JSON.stringify(innerText)}, ${whyNotWrappable(match.entry)}`);
  }
  return wrapperOf(written, stopping, { entry: match.entry, form: match.form, values: match.values });
}

/**
 * Adaptive wrappers in the strategy catalog: `asc(INNER)`, `asc(INNER)d`, `asc(INNER)tT`,
 * `asc(INNER)dtT` (`adaptiveConsistency`) and `esc(INNER)wW` (`earlyStoppingConsistency`) around any
 * spec INNER whose strategy draws whole samples at a fixed N (`bon@8`, `wv-prob@16`, …). Each spec
 * stands for an entry of its own (`resolve`) with INNER's needs, INNER's spec as its counterpart, and the
 * built strategy's name as its canonical text: `asc(BON@8)t0.950` is `asc(bon@8)`, `esc(maj@16)w4` is
 * `esc@16w4`.
 *
 * @throws ConfigError from `resolve` for a wrapper spec that is malformed or wraps anything else
 * (`asc(beam@4x2)`, `asc(asc@8)`), naming the spec and what INNER may be; and for a T or W out of the
 * range `asc@NtT` and `esc@NwW` give it (`asc(sc@8)t0`, refused as `asc@8t0` is), naming the number.
 * @example
 * const strategy = parseStrategySpec("asc(bon@8)", { scorer }); // strategy.name === "asc(bon@8)"
 */
export const adaptiveWrapperEntry: StrategyEntry = {
  forms,
  decimals: ["T"],
  kind: "sampling",
  choosesWholeSamples: true,
  summary,
  needs: [],
  create: () => {
    throw new ConfigError(
      'strategy: an adaptive wrapper is named with its inner strategy, e.g. "asc(bon@8)"',
      {
        field: "strategy",
      },
    );
  },
  resolve: resolveWrapper,
};
