import { describe, expect, it } from "vitest";
import { adaptiveConsistencyEntry } from "./adaptive-consistency.ts";
import { fitsSpecRange, largestSpecNumber, largestSpecValue, specRangeError } from "./spec-number-range.ts";

// asc@NtT: N an integer letter, T a decimal letter with a ceiling of 1.
const entry = adaptiveConsistencyEntry;

describe("fitsSpecRange", () => {
  it("takes an integer letter from 1 to largestSpecValue, both ends included, and no fraction", () => {
    expect(largestSpecValue).toBe(100_000);
    expect(fitsSpecRange(entry, "N", 1)).toBe(true);
    expect(fitsSpecRange(entry, "N", largestSpecValue)).toBe(true);
    expect(fitsSpecRange(entry, "N", largestSpecValue + 1)).toBe(false);
    expect(fitsSpecRange(entry, "N", 0)).toBe(false);
    expect(fitsSpecRange(entry, "N", 2.5)).toBe(false);
  });

  it("takes a decimal letter above 0 up to its ceiling, the ceiling included", () => {
    expect(largestSpecNumber(entry, "T")).toBe(1);
    expect(fitsSpecRange(entry, "T", 0.95)).toBe(true);
    expect(fitsSpecRange(entry, "T", 1)).toBe(true);
    expect(fitsSpecRange(entry, "T", 0)).toBe(false);
    expect(fitsSpecRange(entry, "T", 1.5)).toBe(false);
  });
});

describe("specRangeError", () => {
  it("names the spec, the letter, its value, the form and the range expected", () => {
    expect(specRangeError("asc@0t0.9", entry, { form: "asc@NtT", letter: "N", value: 0 }).message).toBe(
      'strategy: "asc@0t0.9" gives N = 0 in asc@NtT; expected an integer from 1 to 100000',
    );
    expect(specRangeError("asc@8t2", entry, { form: "asc@NtT", letter: "T", value: 2 }).message).toBe(
      'strategy: "asc@8t2" gives T = 2 in asc@NtT; expected a number above 0 and at most 1',
    );
  });
});
