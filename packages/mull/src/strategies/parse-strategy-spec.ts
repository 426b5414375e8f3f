import { z } from "zod";
import { ConfigError } from "../errors/index.ts";
import { isAllocationSpec } from "../routing/index.ts";
import { expecting, optionError } from "../runtime/index.ts";
import type { Backend, OutcomeScorer, ProcessRewardModel, Strategy } from "../spec/index.ts";
import { strategyCatalog } from "./catalog.ts";
import { checkFactoryOptions } from "./factory-options.ts";
import {
  findStrategyEntry,
  largestSpecValue,
  splitModelRoute,
  strategySpecText,
} from "./find-strategy-entry.ts";
import { formLetters } from "./form-letters.ts";
import { functionOption, outcomeScorerOption, processRewardOption } from "./option-schemas.ts";
import { replayOptionsOf } from "./replay-options.ts";
import { largestSpecNumber, smallestSpecNumber, specRangeError } from "./spec-number-range.ts";
import { defaultRouteRefusal, resolveSpecRoute, type SpecRoute, specRoute } from "./spec-route.ts";
import { isStandInUse, standInBackend } from "./stand-in-dependencies.ts";
import { strategyCatalogOption } from "./strategy-catalog-option.ts";
import type { NamedBackend, StrategyDependencies, StrategyEntry } from "./strategy-entry.ts";

/** Options of `parseStrategySpec`. */
export interface ParseStrategySpecOptions {
  /** The outcome scorer for strategies that need one (`wv@N`, `bon@N`). */
  readonly scorer?: OutcomeScorer | undefined;
  /** The process reward model of step-level searches (`pf@N`, `beam@NxM`, `astar@K`, …). */
  readonly prm?: ProcessRewardModel | undefined;
  /**
   * The backend of a model a route names, for routing strategies (`cascade@8:lab-small>lab-large`); may
   * throw a `ConfigError` for a name it cannot serve.
   */
  readonly resolveModel?: ((name: string) => Backend) | undefined;
  /** The route of a routing spec that names none (`cascade@8`), cheapest model first; e.g. from `--small-model`. */
  readonly defaultRoute?: readonly string[] | undefined;
  /**
   * The option `defaultRoute` came from, named (as the field) in errors about it: `route` for solve's
   * `route`; default `strategy`.
   */
  readonly defaultRouteField?: string | undefined;
  /**
   * The entries specs are read by, in order, the first that reads a spec winning; default
   * `strategyCatalog`. A strategy of your own joins specs as `[...strategyCatalog, myEntry]`, its entry
   * declaring its forms (`two-agree@N`), what it needs and how `create` builds it.
   */
  readonly catalog?: readonly StrategyEntry[] | undefined;
}

const parseStrategySpecOptions = z.strictObject({
  scorer: outcomeScorerOption.optional(),
  prm: processRewardOption.optional(),
  resolveModel: functionOption.optional(),
  defaultRoute: z
    .array(z.string(), { error: expecting("an array of model names, smallest first") })
    .optional(),
  defaultRouteField: z
    .string({ error: expecting("the name of the option the default route came from") })
    .optional(),
  catalog: strategyCatalogOption.optional(),
} satisfies Record<keyof ParseStrategySpecOptions, unknown>);

/**
 * A letter's range in words: an integer letter's from its smallest (`smallestSpecNumber`: 1, or the
 * entry's minimum) to the largest, `from 2 to 100000`; a decimal letter's above 0, or from its minimum, up
 * to its ceiling (`largestSpecNumber`), `above 0 and at most 1, such as 0.5`.
 */
function letterRange(entry: StrategyEntry, letter: string): string {
  const largest = largestSpecNumber(entry, letter);
  const smallest = smallestSpecNumber(entry, letter);
  if (smallest !== undefined) return `from ${smallest} to ${largest}`;
  const atMost = largest < largestSpecValue ? ` and at most ${largest}` : "";
  return `above 0${atMost}, such as ${Math.min(0.5, largest)}`;
}

/**
 * What the numbers of one entry's forms may be, each letter's range as the entry declares it
 * (`letterRange`), decimal letters first and letters of the same range named together
 * (`N, M: whole numbers from 1 to 100000`); `numbers from 1 to 100000` when every letter is an integer of
 * that one range.
 */
function entryNumbers(entry: StrategyEntry): string {
  const letters = formLetters(entry.forms);
  const isDecimal = (letter: string) => entry.decimals?.includes(letter) === true;
  const ordered = [...letters.filter(isDecimal), ...letters.filter((letter) => !isDecimal(letter))];
  const groups = new Map<string, { kind: string; range: string; letters: string[] }>();
  for (const letter of ordered) {
    const kind = isDecimal(letter) ? "decimal" : "whole";
    const range = letterRange(entry, letter);
    const group = groups.get(`${kind} ${range}`);
    if (group === undefined) groups.set(`${kind} ${range}`, { kind, range, letters: [letter] });
    else group.letters.push(letter);
  }
  const all = [...groups.values()];
  const [first] = all;
  if (first === undefined) return `numbers from 1 to ${largestSpecValue}`;
  if (all.length === 1 && first.kind === "whole") return `numbers ${first.range}`;
  return all
    .map(({ kind, range, letters: named }) => {
      const number = named.length === 1 ? `a ${kind} number` : `${kind} numbers`;
      return `${named.join(", ")}: ${number} ${range}`;
    })
    .join("; ");
}

/**
 * The refusal of options written after a colon as `mull replay` reads them (`deepconf@8:e10`), which no
 * live strategy takes: with the inline spelling when the live spec has one (`asc@16:t0.99` is `asc@16t0.99`).
 */
function replayOnly(text: string, options: string, catalog: readonly StrategyEntry[]): ConfigError {
  const { spec } = splitModelRoute(text);
  const inline = `${spec}${options.replaceAll(":", "")}`;
  const live = findStrategyEntry(inline, { catalog })?.values !== undefined;
  const written = `strategy: ${JSON.stringify(options)} in ${JSON.stringify(text)}`;
  if (live) {
    return new ConfigError(
      `${written} is written as mull replay reads it; a live spec writes it inline: ${inline}`,
      {
        field: "strategy",
      },
    );
  }
  const some = options.lastIndexOf(":") > 0;
  return new ConfigError(
    `${written} ${some ? "are options" : "is an option"} of mull replay (over recorded samples), not of a live ` +
      `strategy; ${JSON.stringify(spec)} takes no options after ":"`,
    { field: "strategy" },
  );
}

/** Stand-ins for the models of a route, holding their names, for building a strategy before they load. */
function standInRoute(names: readonly string[]): NamedBackend[] {
  return names.map((name) => ({ name, backend: standInBackend }));
}

/**
 * Whether a routing strategy takes exactly two models (a router of a small and a large one, `bild`,
 * `glimp`): built on stand-ins, a route of two passes its factory and a route of three does not.
 */
function takesTwoOnly(build: (models: readonly NamedBackend[]) => Strategy): boolean {
  const refuses = (names: readonly string[]) => {
    try {
      build(standInRoute(names));
      return false;
    } catch (error) {
      return ConfigError.isInstance(error);
    }
  };
  return !refuses(["small", "large"]) && refuses(["small", "middle", "large"]);
}

/** The forms of a catalog's entries, or of those of one kind, in catalog order. */
function formsOf(catalog: readonly StrategyEntry[], kind?: StrategyEntry["kind"]): string[] {
  return catalog.filter((entry) => kind === undefined || entry.kind === kind).flatMap((entry) => entry.forms);
}

/**
 * A strategy from its spec, as the strategy catalog (`strategyCatalog`) declares them: `greedy`,
 * `single`, `sc@N` / `maj@N`, `rs@N`, `wv@N`, `wv-prob@N`, `wv-mean-prob@N`, `bon@N`, and the step-level
 * searches guided by `prm` (`pf@16`, `beam@16x4`, `beam-la1@16x4`, `dvts@16x4`, `astar@8`, `mcts@32`, …).
 * Case and surrounding spaces are ignored. A routing strategy names its models after a colon, smallest first
 * (`cascade@8:lab-small>lab-large`, resolved by `resolveModel`), or takes `defaultRoute`. A strategy of
 * your own is read from its spec when `catalog` lists its entry.
 *
 * @throws ConfigError for a `text` that is not a string (`parseStrategySpec: text must be a strategy spec
 * (a string such as "sc@8"), got undefined`), for an unknown key of `options` or one of the wrong kind (`parseStrategySpec: scorr:
 * unknown key (parseStrategySpec takes scorer, prm, resolveModel,
 * defaultRoute, defaultRouteField, catalog)`), such as a
 * catalog entry without a field it must have (`catalog[38].create`); naming the spec and listing the
 * catalog's forms when it is not one of them (with how a strategy of your own is passed), when a strategy
 * that needs a scorer is given without one, a search without a process reward model, a router without
 * two models it can resolve (or a `resolveModel` that returns no backend for one: `resolveModel returned no
 * backend for "nope"`), or another strategy with a model route or with options only `mull replay`
 * reads (`deepconf@8:e10`); and, naming the spec, for a number out of its letter's range (`cascade@8t2`:
 * T is a share, above 0 and at most 1) or one its factory refuses (`esc@16w32`). What the spec and the
 * number of models in its route decide (`bild@0.5:a>b>c`: a router of exactly two) is refused before
 * `resolveModel` is called for any of them.
 * @example
 * const strategy = parseStrategySpec("bon@8", { scorer: checker });
 * const twoAgreeEntry: StrategyEntry = {
 *   forms: ["two-agree@N"],
 *   kind: "sampling",
 *   summary: "votes until two samples agree, at most N",
 *   needs: [],
 *   create: ({ N }) => twoAgree({ n: N! }),
 * };
 * const mine = parseStrategySpec("two-agree@4", { catalog: [...strategyCatalog, twoAgreeEntry] });
 */
export function parseStrategySpec(text: string, options: ParseStrategySpecOptions = {}): Strategy {
  if (typeof text !== "string") throw optionError("parseStrategySpec", "text", text, strategySpecText);
  checkFactoryOptions(parseStrategySpecOptions, options, "parseStrategySpec");
  const catalog = options.catalog ?? strategyCatalog;
  const { route: named } = splitModelRoute(text);
  const match = findStrategyEntry(text, { catalog });
  if (match?.values === undefined) {
    const outOfRange = match?.outOfRange;
    if (match !== undefined && outOfRange !== undefined) {
      throw specRangeError(text, match.entry, outOfRange);
    }
    if (match?.entry.kind === "search") {
      throw new ConfigError(
        `strategy: malformed search spec ${JSON.stringify(text)}; expected ${formsOf(catalog, "search").join(", ")} ` +
          `(numbers from 1 to ${largestSpecValue})`,
        { field: "strategy" },
      );
    }
    if (match !== undefined) {
      throw new ConfigError(
        `strategy: malformed spec ${JSON.stringify(text)}; expected ${match.entry.forms.join(", ")} ` +
          `(${entryNumbers(match.entry)}); all forms: ${formsOf(catalog).join(", ")}`,
        { field: "strategy" },
      );
    }
    if (isAllocationSpec(text)) {
      throw new ConfigError(
        `strategy: ${JSON.stringify(text)} allocates samples over a batch of problems, not one: run it in a ` +
          `bench (mull bench or mull lab --strategies ${text.trim()}) or call allocateCompute`,
        { field: "strategy" },
      );
    }
    throw new ConfigError(
      `strategy: unknown spec ${JSON.stringify(text)}; expected one of ${formsOf(catalog).join(", ")} ` +
        `(numbers from 1 to ${largestSpecValue}, or a decimal above 0 for a threshold or factor, as in glimp@0.5); ` +
        "in code, a strategy of your own is passed as itself (strategy: myStrategy) or named by a spec " +
        "through its entry (catalog: [...strategyCatalog, myEntry])",
      { field: "strategy" },
    );
  }
  const { entry, values, form } = match;
  if (entry.needs.includes("prm") && options.prm === undefined) {
    throw new ConfigError(
      `strategy: ${JSON.stringify(text)} is a step-level search and needs a process reward model (--prm exact | noisy:FP,FN | self | judge | URL)`,
      { field: "prm" },
    );
  }
  if (entry.needs.includes("scorer") && options.scorer === undefined) {
    throw new ConfigError(
      `strategy: ${JSON.stringify(text)} needs an outcome scorer (a checker, a judge or a reward model); pass scorer`,
      { field: "scorer" },
    );
  }
  const routes = entry.needs.includes("models");
  if (!routes && named !== undefined) {
    const replayOptions = replayOptionsOf(text);
    if (replayOptions !== undefined) throw replayOnly(text, replayOptions, catalog);
    throw new ConfigError(
      `strategy: ${JSON.stringify(text)} names models after ":", but ${JSON.stringify(splitModelRoute(text).spec)} ` +
        "runs on one model; only routing strategies take a route",
      { field: "strategy" },
    );
  }
  const build = (
    models: readonly NamedBackend[],
    resolveModel = options.resolveModel,
    route?: SpecRoute,
  ): Strategy => {
    try {
      // Entries receive only what their `needs` declare, which was checked just above.
      const dependencies = { ...options, models, resolveModel } as StrategyDependencies;
      return entry.create(values, dependencies, form);
    } catch (error) {
      const refusal = route === undefined ? undefined : defaultRouteRefusal(text, route, error);
      if (refusal !== undefined) throw refusal;
      // A factory names its own option (`adaptiveConsistency: threshold …`); the user wrote the spec.
      if (!ConfigError.isInstance(error) || error.message.startsWith("strategy: ")) throw error;
      throw new ConfigError(`strategy: ${JSON.stringify(text)}: ${error.message}`, {
        field: "strategy",
        cause: error,
      });
    }
  };
  if (!routes) return build([]);
  const { spec } = splitModelRoute(text);
  const route = specRoute(spec, named, options, () => takesTwoOnly(build));
  // What the spec and the number of its models decide (a route of three for a router of two, a number
  // the factory refuses) is refused before any model is resolved, which a surface does by loading it.
  try {
    build(standInRoute(route.names), () => standInBackend, route);
  } catch (error) {
    if (!isStandInUse(error)) throw error;
  }
  return build(resolveSpecRoute(spec, route, options.resolveModel), options.resolveModel, route);
}
