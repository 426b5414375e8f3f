import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const folder = fileURLToPath(new URL(".", import.meta.url));

/** Names of the cost account that only the runner uses: strategies return what they chose. */
const accounting = /\b(addUsage|isCut|scoreCalls)\b/g;

/** Files whose job is the cost account, and why. */
const allowed: Readonly<Record<string, string>> = {
  "run-strategy.ts":
    "the runner: it measures a strategy's usage and score calls on a child budget and sets `partial`",
};

const sources = readdirSync(folder).filter(
  (name) => name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.endsWith(".test-support.ts"),
);

describe("strategy files", () => {
  it("leave usage, score calls and whether a run was cut to the runner", () => {
    expect(sources).toEqual(expect.arrayContaining(["live-probing.ts", "self-consistency.ts"]));
    const mentions = sources
      .filter((name) => allowed[name] === undefined)
      .flatMap((name) =>
        [...readFileSync(`${folder}${name}`, "utf8").matchAll(accounting)].map(
          (match) => `${name}: ${match[0]}`,
        ),
      );
    expect(mentions).toEqual([]);
  });

  it("allow only files that exist and do keep the account", () => {
    for (const name of Object.keys(allowed)) {
      expect(sources).toContain(name);
      expect(readFileSync(`${folder}${name}`, "utf8")).toMatch(accounting);
    }
  });
});
