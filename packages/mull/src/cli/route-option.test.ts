import { describe, expect, it } from "vitest";
import { routeOption } from "./route-option.ts";

describe("routeOption", () => {
  it("reads NAME=POLICY:MODEL>MODEL and accumulates repeated flags", () => {
    const first = routeOption("auto=ucb:lab-small>lab-large", undefined);
    expect(routeOption(" cheap=thompson:a>b>c ", first)).toEqual([
      { name: "auto", policy: "ucb", models: ["lab-small", "lab-large"] },
      { name: "cheap", policy: "thompson", models: ["a", "b", "c"] },
    ]);
  });

  it.each([
    ["auto", /expected NAME=POLICY:MODEL>MODEL/],
    ["auto=greedy:a>b", /unknown policy "greedy"; expected one of ucb, thompson/],
    ["auto=ucb:a", /two or more model names/],
    ["auto=ucb:a>", /two or more model names/],
    [
      "auto=ucb:a>b>a",
      '--route: the route "a>b>a" of "auto" names "a" twice; expected a different model at each place of the route',
    ],
  ])("refuses %s", (value, message) => {
    expect(() => routeOption(value, undefined)).toThrow(message);
  });
});
