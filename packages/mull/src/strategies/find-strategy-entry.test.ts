import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { strategyCatalog } from "./catalog.ts";
import { twoAgreeEntry } from "./custom-entry.test-support.ts";
import { findStrategyEntry, isSearchSpec } from "./find-strategy-entry.ts";
import { selfConsistencyEntry } from "./self-consistency.ts";
import type { CatalogLookup, StrategyEntry } from "./strategy-entry.ts";

const catalog = [...strategyCatalog, twoAgreeEntry];

describe("findStrategyEntry with a catalog of the caller's", () => {
  it("finds an entry the catalog option adds, with its numbers, and not without it", () => {
    expect(findStrategyEntry(" TWO-AGREE@4 ", { catalog })).toEqual({
      entry: twoAgreeEntry,
      form: "two-agree@N",
      values: { N: 4 },
    });
    expect(findStrategyEntry("two-agree", { catalog })).toEqual({
      entry: twoAgreeEntry,
      form: undefined,
      values: undefined,
    });
    expect(findStrategyEntry("two-agree@4")).toBeUndefined();
    // The built-in entries are still found through the longer catalog.
    expect(findStrategyEntry("maj@8", { catalog })?.entry).toBe(selfConsistencyEntry);
  });

  it("looks only in the catalog given, so a shorter one leaves out the rest", () => {
    expect(findStrategyEntry("sc@8", { catalog: [twoAgreeEntry] })).toBeUndefined();
    expect(isSearchSpec("pf@16", { catalog: [twoAgreeEntry] })).toBe(false);
    expect(isSearchSpec("pf@16", { catalog })).toBe(true);
  });

  it("lets a family that names other specs look them up in the same catalog", () => {
    // The wrapper sees the user's entry, and refuses it for what it is rather than as unknown.
    expect(() => findStrategyEntry("asc(two-agree@4)", { catalog })).toThrow(
      /wraps "two-agree@4", which does not draw a fixed number of whole samples/,
    );
    expect(() => findStrategyEntry("asc(two-agree@4)")).toThrow(/which is not a spec of the catalog/);
  });

  it("refuses a catalog that is not an array of entries, naming the entry and field", () => {
    const broken = [...strategyCatalog, { ...twoAgreeEntry, create: undefined }];
    const error = (() => {
      try {
        findStrategyEntry("sc@8", { catalog: broken as never });
      } catch (caught) {
        return caught;
      }
    })();
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).message).toBe(
      `findStrategyEntry: catalog[${strategyCatalog.length}].create: missing; expected a function (values, dependencies, form) => Strategy`,
    );
    expect((error as ConfigError).field).toBe(`catalog[${strategyCatalog.length}].create`);
    expect(() => findStrategyEntry("sc@8", { catlog: catalog } as never)).toThrow(
      "findStrategyEntry: catlog: unknown key (findStrategyEntry takes catalog)",
    );
  });
});

describe("the lookup a family's resolve receives", () => {
  it("looks specs up in the catalog given, and lists its entries", () => {
    const seen: CatalogLookup[] = [];
    const spying: StrategyEntry = {
      ...twoAgreeEntry,
      forms: ["spy(INNER)"],
      resolve: (_spec, find) => {
        seen.push(find);
        return undefined;
      },
    };
    const given = [spying, ...catalog];
    findStrategyEntry("two-agree@4", { catalog: given });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.entries).toBe(given);
    expect(seen[0]!("two-agree@3")?.entry).toBe(twoAgreeEntry);
  });
});
