import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseOptions } from "../runtime/index.ts";
import { strategyCatalog } from "./catalog.ts";
import { twoAgreeEntry } from "./custom-entry.test-support.ts";
import { strategyCatalogOption } from "./strategy-catalog-option.ts";

const options = z.strictObject({ catalog: strategyCatalogOption });
const check = (catalog: unknown) => () => parseOptions(options, { catalog }, "owner");

describe("strategyCatalogOption", () => {
  it("takes mull's catalog and the catalog with an entry of the caller's", () => {
    expect(check(strategyCatalog)).not.toThrow();
    expect(check([...strategyCatalog, twoAgreeEntry])).not.toThrow();
  });

  it("names the entry and field of the wrong kind, and what it must be", () => {
    expect(check([{ ...twoAgreeEntry, kind: "voting" }])).toThrow(
      'owner: catalog[0].kind must be one of sampling, search, routing, composition, got "voting"',
    );
    expect(check([{ ...twoAgreeEntry, needs: ["gpu"] }])).toThrow(
      'owner: catalog[0].needs[0] must be one of scorer, prm, logprobs, steps, prefix, models, got "gpu"',
    );
    expect(check([{ ...twoAgreeEntry, forms: [] }])).toThrow(
      'owner: catalog[0].forms must be at least one spec form, such as ["two-agree@N"], got []',
    );
    expect(check([{ ...twoAgreeEntry, resolve: "yes" }])).toThrow(
      'owner: catalog[0].resolve must be a function (spec, find) => StrategyEntry | undefined, got "yes"',
    );
    expect(check(["two-agree@N"])).toThrow(
      'owner: catalog[0] must be a strategy entry ({ forms, kind, summary, needs, create }), got "two-agree@N"',
    );
  });
});
