import { describe, expect, it } from "vitest";
import { promptCharges } from "./prompt-charges.ts";

describe("promptCharges", () => {
  it("charges one request's prompt once with native n, and once per request of a fan-out", () => {
    expect(promptCharges({ n: true }, 4)).toBe(1);
    expect(promptCharges({ n: true, promptPerCompletion: false }, 4)).toBe(1);
    expect(promptCharges({ n: false }, 4)).toBe(4);
  });

  it("charges the prompt once per completion where the backend charges it so, in one request or several", () => {
    expect(promptCharges({ n: true, promptPerCompletion: true }, 4)).toBe(4);
    expect(promptCharges({ n: false, promptPerCompletion: true }, 3)).toBe(3);
  });

  it("counts the requests a call reported where they are given: a backend that fanned out after all", () => {
    // A server that refused a large n mid-run answers it with a request per completion.
    expect(promptCharges({ n: true }, 8, 8)).toBe(8);
    expect(promptCharges({ n: true, promptPerCompletion: true }, 3, 1)).toBe(3);
  });
});
