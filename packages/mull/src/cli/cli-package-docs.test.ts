import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { createProgram } from "./main.ts";

const cliPackage = new URL("../../../cli/", import.meta.url);

describe("the @mull/cli package's docs", () => {
  it("name every command of mull --help, in its README and its description", async () => {
    const commands = createProgram().commands.map((command) => command.name());
    expect(commands).toContain("fidelity");
    const readme = await readFile(new URL("README.md", cliPackage), "utf8");
    const listed = [...readme.matchAll(/^\| `mull ([a-z]+)` +\|/gm)].map((match) => match[1]);
    expect(listed).toEqual(commands);
    const { description } = JSON.parse(await readFile(new URL("package.json", cliPackage), "utf8")) as {
      description: string;
    };
    const named = description
      .slice(description.indexOf(":") + 1, description.indexOf(", with"))
      .split(/, | and /);
    expect(named.map((name) => name.trim())).toEqual(commands);
  });
});
