import { describe, expect, it } from "vitest";
import { cpuPower, defaultWattsPerCore, energyJoules } from "./energy-estimate.ts";

describe("energy estimate", () => {
  it("states its power assumption and multiplies time by it", () => {
    expect(defaultWattsPerCore).toBe(10);
    expect(cpuPower().watts).toBe(10);
    expect(cpuPower({ cores: 4 }).watts).toBe(40);
    expect(cpuPower({ wattsPerCore: 3.5, cores: 2 })).toEqual({
      watts: 7,
      basis:
        "assumed 3.5 W per busy core × 2 cores (TDP share; idle, memory and the rest of the machine left out)",
    });
    expect(cpuPower().basis).toContain("1 core ");
    expect(energyJoules(0.5, cpuPower())).toBe(5);
    expect(energyJoules(2, cpuPower({ cores: 16 }))).toBe(320);
  });
});
