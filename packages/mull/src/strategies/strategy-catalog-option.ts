import { z } from "zod";
import { expecting } from "../runtime/index.ts";
import type { StrategyEntry, StrategyNeed } from "./strategy-entry.ts";

// Every kind and need, so that one added to `StrategyEntry` fails to compile here until it is listed.
const kindNames = {
  sampling: true,
  search: true,
  routing: true,
  composition: true,
} satisfies Record<StrategyEntry["kind"], true>;
const needNames = {
  scorer: true,
  prm: true,
  logprobs: true,
  steps: true,
  prefix: true,
  models: true,
} satisfies Record<StrategyNeed, true>;
const kinds = Object.keys(kindNames) as [StrategyEntry["kind"], ...StrategyEntry["kind"][]];
const needs = Object.keys(needNames) as [StrategyNeed, ...StrategyNeed[]];

const functionField = (expected: string) =>
  z.custom<(...parameters: never[]) => unknown>((value) => typeof value === "function", {
    error: expecting(expected),
  });

/** One entry: the fields `findStrategyEntry` and `parseStrategySpec` read, each of its kind. */
const strategyEntryOption = z.looseObject(
  {
    forms: z
      .array(z.string({ error: expecting("a spec form") }).min(1, { error: expecting("a spec form") }), {
        error: expecting('an array of spec forms, such as ["two-agree@N"]'),
      })
      .min(1, { error: expecting('at least one spec form, such as ["two-agree@N"]') }),
    decimals: z
      .array(z.string(), { error: expecting('an array of the letters read as decimals, such as ["T"]') })
      .optional(),
    kind: z.enum(kinds, { error: expecting(`one of ${kinds.join(", ")}`) }),
    choosesWholeSamples: z.boolean({ error: expecting("a boolean") }).optional(),
    summary: z.string({ error: expecting("a one-line summary") }),
    needs: z.array(z.enum(needs, { error: expecting(`one of ${needs.join(", ")}`) }), {
      error: expecting(`an array of needs (${needs.join(", ")}), or []`),
    }),
    create: functionField("a function (values, dependencies, form) => Strategy"),
    counterpart: functionField("a function (values) => spec").optional(),
    resolve: functionField("a function (spec, find) => StrategyEntry | undefined").optional(),
    namedModels: z.array(z.string(), { error: expecting("an array of model names") }).optional(),
  },
  { error: expecting("a strategy entry ({ forms, kind, summary, needs, create })") },
);

/**
 * The `catalog` option of `findStrategyEntry`, `parseStrategySpec` and `solve`: an array of strategy
 * entries (`StrategyEntry`), each refused with its index and field when it lacks one or has one of the
 * wrong kind (`catalog[38].create must be a function …, got undefined`). Only checks: callers keep the
 * array they were given, since entries are matched by identity.
 */
export const strategyCatalogOption = z.array(strategyEntryOption, {
  error: expecting("an array of strategy entries, such as [...strategyCatalog, myEntry]"),
});
