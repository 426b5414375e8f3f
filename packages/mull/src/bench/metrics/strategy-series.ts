import { isAllocationSpec, parseAllocationSpec } from "../../routing/index.ts";
import { findStrategyEntry } from "../../strategies/index.ts";

/** Where a strategy of a run sits among the others: its series over budgets and its fixed-budget counterpart. */
export interface StrategySeries {
  /**
   * The canonical spec (`sc@8` for `maj@8`; a variant keeps its form, `mass@16u0.5`); the name itself
   * when the catalog does not know it.
   */
  readonly spec: string;
  /**
   * The method with its budget left open, one curve per series: `sc@N` for `sc@4`, `sc@8` and `maj@16`;
   * `asc@N` for `asc@16`; `esc@Nw4` for `esc@16w4`; `beam@Nx4` for `beam@16x4`; `esc(bon@N)w4` for
   * `esc(bon@16)w4`; `sc@N@t0.5` for `sc@8@t0.5` in a temperature sweep.
   */
  readonly series: string;
  /**
   * For an adaptive strategy, the canonical spec of the fixed-budget one it stops early, at the same
   * budget: `sc@16` for `asc@16` and `esc@16w4`, `bon@16` for `esc(bon@16)w4`; `undefined` otherwise.
   */
  readonly counterpart: string | undefined;
}

/** A bench sweep's temperature suffix, `@t0.5` in `sc@8@t0.5`. */
const temperatureSuffix = /@t\d+(?:\.\d+)?$/;
/** An adaptive wrapper's name around another strategy: `esc(bon@16)w4`, `asc(wv@8)`. */
const wrapper = /^([a-z][a-z0-9-]*)\((.+)\)([^()]*)$/;

/**
 * The canonical text of the form a spec matched: the entry's first form with the same text after `@`, so
 * that an alias (`maj@N`) reads as its canonical form (`sc@N`) while a variant (`mass@NuU`, `pasc@NfF`,
 * `force@NxT`) stays itself.
 */
function canonicalForm(forms: readonly string[], matched: string): string {
  const afterAt = (form: string) => form.slice(form.indexOf("@") + 1);
  return forms.find((form) => form.includes("@") && afterAt(form) === afterAt(matched)) ?? matched;
}

/** An allocation over the batch: a series over its average samples, uniform allocation at S its counterpart. */
function allocationSeries(name: string): StrategySeries | undefined {
  if (!isAllocationSpec(name)) return undefined;
  try {
    const allocation = parseAllocationSpec(name);
    const uniform = allocation.signal === "mass" ? "wv-prob" : "sc";
    return {
      spec: allocation.spec,
      series: allocation.spec.replace(/@\d+/, "@N"),
      counterpart: `${uniform}@${allocation.samplesPerProblem}`,
    };
  } catch {
    return undefined;
  }
}

function withoutTemperature(name: string): StrategySeries {
  const allocation = allocationSeries(name);
  if (allocation !== undefined) return allocation;
  // A wrapper reads as its inner strategy's series (the catalog's entry for it would fix its budget).
  const wrapped = wrapper.exec(name);
  if (wrapped !== null) {
    const [, family, innerName, suffix] = wrapped;
    const inner = withoutTemperature(innerName!);
    return { spec: name, series: `${family}(${inner.series})${suffix}`, counterpart: inner.spec };
  }
  const match = findStrategyEntry(name);
  if (match?.values !== undefined) {
    const { entry, values } = match;
    const canonical = canonicalForm(entry.forms, match.form);
    const afterAt = canonical.split("@")[1] ?? "";
    // The budget is N where a form has it (sc@N, beam@NxM), else its first integer (astar@K, mcts@S).
    const budget = /N/.test(afterAt) ? "N" : afterAt.match(/[A-Z]/)?.[0];
    const fill = (keep: string | undefined) =>
      canonical.replace(/[A-Z]/g, (letter) => (letter === keep ? letter : String(values[letter])));
    return { spec: fill(undefined), series: fill(budget), counterpart: entry.counterpart?.(values) };
  }
  return { spec: name, series: name.replace(/@\d+/, "@N"), counterpart: undefined };
}

/**
 * A strategy's series and counterpart from its name in a run, read with the strategy catalog: the form
 * the name matched (an alias's canonical form: `maj@N` reads as `sc@N`, while `mass@NuU` stays itself) with
 * every number but the budget filled in (the budget is N, or the form's first integer where it has no N),
 * and an adaptive entry's `counterpart`; a compute-optimal allocation (`alloc@4`) has uniform allocation at
 * the same samples (`sc@4`; by mass `wv-prob@4`) as its counterpart. A wrapper `family(inner)suffix`
 * (`asc(bon@8)`) is read by its shape: a series of its own over the inner strategy's budget, whose
 * counterpart is `inner`. Names the catalog does not know fall back to their shape: the first integer
 * after `@` is the budget. A bench temperature
 * sweep's `@t<temperature>` suffix stays on both, so each temperature is its own series.
 *
 * @example
 * strategySeries("asc@16"); // { spec: "asc@16", series: "asc@N", counterpart: "sc@16" }
 * strategySeries("mass@16u0.5"); // { spec: "mass@16u0.5", series: "mass@Nu0.5", counterpart: "wv-prob@16" }
 * strategySeries("esc(bon@16)w4"); // { spec: "esc(bon@16)w4", series: "esc(bon@N)w4", counterpart: "bon@16" }
 * strategySeries("alloc@4p2"); // { spec: "alloc@4p2", series: "alloc@Np2", counterpart: "sc@4" }
 */
export function strategySeries(name: string): StrategySeries {
  const spec = name.trim();
  const temperature = temperatureSuffix.exec(spec)?.[0];
  if (temperature === undefined) return withoutTemperature(spec);
  const base = withoutTemperature(spec.slice(0, -temperature.length));
  return {
    spec: `${base.spec}${temperature}`,
    series: `${base.series}${temperature}`,
    counterpart: base.counterpart === undefined ? undefined : `${base.counterpart}${temperature}`,
  };
}
