import { Command } from "@commander-js/extra-typings";
import { describe, expect, it } from "vitest";
import { listOf, listOption, strategyListOption } from "./list-option.ts";
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
      `option '--list <list>' argument 'maj@8,,asc@8' is invalid. the second item of "maj@8,,asc@8" is empty; expected a comma-separated list without empty items`,
    );
    expect(refusal(listOption, "4, ")).toContain('the second item of "4, " is empty');
    expect(refusal(listOf(integerOption(1, 8)), ",4")).toContain('the first item of ",4" is empty');
  });

  it("words an empty item of a strategy list and of a number list alike", () => {
    const tail = "is empty; expected a comma-separated list without empty items";
    expect(refusal(strategyListOption, "greedy,,sc@{4,8}")).toContain(
      `argument 'greedy,,sc@{4,8}' is invalid. the second item of "greedy,,sc@{4,8}" ${tail}\n`,
    );
    expect(refusal(listOf(integerOption(1, 8)), "1,,2")).toContain(
      `argument '1,,2' is invalid. the second item of "1,,2" ${tail}\n`,
    );
  });
});
