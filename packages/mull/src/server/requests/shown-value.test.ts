import { describe, expect, it } from "vitest";
import { isShownWhole, shownValue, withLongStringsHidden } from "./shown-value.ts";

describe("shownValue", () => {
  it.each([
    ["5", '"5"'],
    ["sixteen-chars-ok", '"sixteen-chars-ok"'],
    ["seventeen-chars-x", "a string of 17 characters"],
    [5, "5"],
    [null, "null"],
    [true, "true"],
    [[], "[]"],
    [["sk-secret-0123456789"], "an array of 1 item"],
    [[1, 2], "an array of 2 items"],
    [{ key: "sk-secret-0123456789" }, "an object"],
  ])("%j as %s", (value, shown) => {
    expect(shownValue(value)).toBe(shown);
  });
});

describe("isShownWhole", () => {
  it("repeats a string of up to 16 characters, not a longer one", () => {
    expect(isShownWhole("")).toBe(true);
    expect(isShownWhole("sixteen-chars-ok")).toBe(true);
    expect(isShownWhole("seventeen-chars-x")).toBe(false);
  });
});

describe("withLongStringsHidden", () => {
  it("hides each quoted string over 16 characters by its length, and keeps short ones", () => {
    expect(
      withLongStringsHidden(
        '"asc(sk-proj-SECRETSECRETSECRET)" wraps "sk-proj-secretsecretsecret", not "sc@8"',
      ),
    ).toBe('(a string of 31 characters) wraps (a string of 26 characters), not "sc@8"');
  });

  it("reads a quoted string as JSON, escapes and all", () => {
    expect(withLongStringsHidden('spec "a\\"b" and "\\u0041"')).toBe('spec "a\\"b" and "\\u0041"');
    expect(withLongStringsHidden('spec "0123456789\\"0123456"')).toBe("spec (a string of 18 characters)");
  });

  it("hides the given strings where the message names them unquoted", () => {
    const key = "sk-proj-SECRETSECRETSECRET";
    expect(withLongStringsHidden(`unknown ${key}; try sc@8`, [key, "sc@8"])).toBe(
      "unknown (a string of 26 characters); try sc@8",
    );
  });
});
