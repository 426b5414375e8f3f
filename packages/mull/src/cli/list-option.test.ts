import { Command } from "@commander-js/extra-typings";
import { describe, expect, it } from "vitest";
import { listOf, listOption } from "./list-option.ts";
import { integerOption } from "./option-parsers.ts";

/** What commander says of `value` given to `--list`, parsed by `parse`. */
function refusal(parse: (value: string) => unknown, value: string): string {
  let said = "";
  const command = new Command("try")
    .exitOverride()
    .configureOutput({ writeErr: (text) => (said += text) })
    .option("--list <list>", "a list", parse);
  expect(() => command.parse(["--list", value], { from: "user" })).toThrow();
  return said;
}

describe("listOption", () => {
  it("reads the items trimmed", () => {
    expect(listOption(" greedy, sc@8 ")).toEqual(["greedy", "sc@8"]);
  });

  it("refuses an empty item, naming the flag, the value and the item's position", () => {
    expect(refusal(listOption, "maj@8,,asc@8")).toContain(
      `option '--list <list>' argument 'maj@8,,asc@8' is invalid. expected a comma-separated list without empty items, got "maj@8,,asc@8" (item 2 of 3 is empty)`,
    );
    expect(refusal(listOption, "4, ")).toContain("(item 2 of 2 is empty)");
    expect(refusal(listOf(integerOption(1, 8)), ",4")).toContain("(item 1 of 2 is empty)");
  });
});
