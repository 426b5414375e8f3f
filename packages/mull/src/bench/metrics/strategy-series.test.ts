import { describe, expect, it } from "vitest";
import { findStrategyEntry } from "../../strategies/index.ts";
import { strategySeries } from "./strategy-series.ts";

describe("strategySeries", () => {
  it("puts the budgets of one method on one series, and aliases on their canonical form", () => {
    for (const name of ["sc@4", "sc@16", "maj@8", " SC@2 "])
      expect(strategySeries(name).series, name).toBe("sc@N");
    expect(strategySeries("maj@8")).toEqual({ spec: "sc@8", series: "sc@N", counterpart: undefined });
    expect(strategySeries("certainty@16").series).toBe("certainty@N");
    expect(strategySeries("deepconf@8").series).toBe("deepconf@N");
    expect(strategySeries("greedy")).toEqual({ spec: "greedy", series: "greedy", counterpart: undefined });
  });

  it("keeps an adaptive method off its fixed-budget counterpart's series, and names the counterpart", () => {
    expect(strategySeries("asc@16")).toEqual({ spec: "asc@16", series: "asc@N", counterpart: "sc@16" });
    expect(strategySeries("esc@16w4")).toEqual({ spec: "esc@16w4", series: "esc@Nw4", counterpart: "sc@16" });
    // Another window is another method.
    expect(strategySeries("esc@16w8").series).toBe("esc@Nw8");
  });

  it("keeps each variant form of an entry its own spec and series, aliases aside", () => {
    expect(strategySeries("mass@16u0.5")).toEqual({
      spec: "mass@16u0.5",
      series: "mass@Nu0.5",
      counterpart: "wv-prob@16",
    });
    expect(strategySeries("mass@5g")).toEqual({
      spec: "mass@5g",
      series: "mass@Ng",
      counterpart: "wv-prob@5",
    });
    expect(strategySeries("mass@16")).toEqual({
      spec: "mass@16",
      series: "mass@N",
      counterpart: "wv-prob@16",
    });
    expect(strategySeries("pasc@16f8")).toEqual({
      spec: "pasc@16f8",
      series: "pasc@Nf8",
      counterpart: "sc@16",
    });
    expect(strategySeries("force@4x32")).toEqual({
      spec: "force@4x32",
      series: "force@Nx32",
      counterpart: "sc@4",
    });
    // Without N, the thinking cap is the budget; one trace against one sample.
    expect(strategySeries("force@32")).toEqual({ spec: "force@32", series: "force@T", counterpart: "sc@1" });
    expect(strategySeries("probe@4k16m3")).toEqual({
      spec: "probe@4k16m3",
      series: "probe@Nk16m3",
      counterpart: "sc@4",
    });
    expect(strategySeries("probe@4k16").series).toBe("probe@Nk16");
    expect(strategySeries("asc@16d")).toEqual({ spec: "asc@16d", series: "asc@Nd", counterpart: "sc@16" });
    expect(strategySeries("accept@8t0.7")).toEqual({
      spec: "accept@8t0.7",
      series: "accept@Nt0.7",
      counterpart: "bon@8",
    });
    // Distinct variants never share a spec, so a report's lookup by spec keeps them apart.
    const variants = ["mass@16", "mass@16u0.5", "mass@16g", "mass@16gu0.5", "asc@16", "asc@16d"];
    expect(new Set(variants.map((name) => strategySeries(name).spec)).size).toBe(variants.length);
  });

  it("names the fixed-budget counterparts of the methods that cut their own traces", () => {
    expect(strategySeries("deepconf-online@16")).toEqual({
      spec: "deepconf-online@16",
      series: "deepconf-online@N",
      counterpart: "deepconf@16",
    });
    expect(strategySeries("probe@16k32").counterpart).toBe("sc@16");
    expect(strategySeries("force@16x64").counterpart).toBe("sc@16");
    // Extending a trace spends more, not less: no counterpart.
    expect(strategySeries("extend@64w1").counterpart).toBeUndefined();
  });

  it("fills in every integer but the budget", () => {
    expect(strategySeries("beam@16x4").series).toBe("beam@Nx4");
    expect(strategySeries("beam-la1@16x4").series).toBe("beam-la1@Nx4");
    expect(strategySeries("beam-la2@16x4").series).toBe("beam-la2@Nx4");
    expect(strategySeries("pg@16x3").series).toBe("pg@Nx3");
    // Forms without N: their first integer is the budget.
    expect(strategySeries("astar@8").series).toBe("astar@K");
    expect(strategySeries("mcts@32").series).toBe("mcts@S");
  });

  it("reads wrapper names by their shape, over the inner strategy's budget", () => {
    expect(strategySeries("esc(bon@16)w4")).toEqual({
      spec: "esc(bon@16)w4",
      series: "esc(bon@N)w4",
      counterpart: "bon@16",
    });
    expect(strategySeries("asc(wv@8)")).toEqual({
      spec: "asc(wv@8)",
      series: "asc(wv@N)",
      counterpart: "wv@8",
    });
    expect(strategySeries("asc(maj@8)").counterpart).toBe("sc@8");
    expect(strategySeries("asc(wv-prob@16)dt0.99")).toEqual({
      spec: "asc(wv-prob@16)dt0.99",
      series: "asc(wv-prob@N)dt0.99",
      counterpart: "wv-prob@16",
    });
    expect(strategySeries("asc(bon@8)@t0.5")).toEqual({
      spec: "asc(bon@8)@t0.5",
      series: "asc(bon@N)@t0.5",
      counterpart: "bon@8@t0.5",
    });
    // The same counterpart as the catalog's entry for the spec.
    for (const name of ["esc(bon@16)w4", "asc(wv-prob@16)dt0.99", "asc(maj@8)"]) {
      const { entry, values } = findStrategyEntry(name)!;
      expect(strategySeries(name).counterpart, name).toBe(entry.counterpart?.(values!));
    }
  });

  it("keeps each temperature of a sweep its own series", () => {
    expect(strategySeries("sc@8@t0.5")).toEqual({
      spec: "sc@8@t0.5",
      series: "sc@N@t0.5",
      counterpart: undefined,
    });
    expect(strategySeries("asc@16@t1.0")).toEqual({
      spec: "asc@16@t1.0",
      series: "asc@N@t1.0",
      counterpart: "sc@16@t1.0",
    });
  });

  it("puts allocations over the batch on a series of their own, uniform allocation their counterpart", () => {
    expect(strategySeries("alloc@4")).toEqual({ spec: "alloc@4", series: "alloc@N", counterpart: "sc@4" });
    expect(strategySeries("alloc@8p2")).toEqual({
      spec: "alloc@8p2",
      series: "alloc@Np2",
      counterpart: "sc@8",
    });
    expect(strategySeries("alloc-mass@4g")).toEqual({
      spec: "alloc-mass@4g",
      series: "alloc-mass@Ng",
      counterpart: "wv-prob@4",
    });
    expect(strategySeries("alloc@4p2:small>large@t1.0")).toEqual({
      spec: "alloc@4p2:small>large@t1.0",
      series: "alloc@Np2:small>large@t1.0",
      counterpart: "sc@4@t1.0",
    });
  });

  it("falls back to the first integer after @ for names the catalog does not know", () => {
    expect(strategySeries("probe@64m2")).toEqual({
      spec: "probe@64m2",
      series: "probe@Nm2",
      counterpart: undefined,
    });
    expect(strategySeries("asc@16t0.99").series).toBe("asc@Nt0.99");
    expect(strategySeries("custom").series).toBe("custom");
  });
});
