import { describe, expect, it } from "vitest";
import { z } from "zod";
import { answerFormatOption } from "./answer-format-option.ts";
import { answerFormatByName } from "./answers/index.ts";
import { ConfigError } from "./errors/index.ts";
import { parseOptions } from "./runtime/index.ts";

const settings = z.strictObject({ answerFormat: answerFormatOption });

/** The `ConfigError` that refuses `answerFormat`. */
function refusal(answerFormat: unknown): ConfigError {
  try {
    parseOptions(settings, { answerFormat }, "solve");
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`answerFormat ${String(answerFormat)} was not refused`);
}

const methods = { extract: () => "1", key: (answer: string) => answer, equivalent: () => true };
const expected =
  "solve: answerFormat must be an answer format name (auto, numeric, math, date, choice, exact, text) " +
  "or an answer format (an object with extract, key and equivalent methods)";

describe("answerFormatOption", () => {
  it("turns a format's name into the format it names", () => {
    expect(answerFormatOption.parse("numeric")).toBe(answerFormatByName("numeric"));
  });

  it("keeps a format object with its methods and name as given", () => {
    const own = { ...methods, name: "mine" };
    expect(answerFormatOption.parse(own)).toBe(own);
  });

  it("refuses an unknown name or a value that is no format, saying what it expected", () => {
    expect(refusal(5).message).toBe(`${expected}, got 5`);
    expect(refusal(5).field).toBe("answerFormat");
    expect(refusal("roman").message).toBe(`${expected}, got "roman"`);
    expect(refusal({ name: "mine", extract: () => "1" }).message).toBe(
      `${expected}, got an object without key and equivalent`,
    );
  });

  it("refuses a format object without a string name, at the name", () => {
    const unnamed = refusal({ ...methods, name: 5 });
    expect(unnamed.field).toBe("answerFormat.name");
    expect(unnamed.message).toBe("solve: answerFormat.name must be a string (the format's name), got 5");
  });
});
