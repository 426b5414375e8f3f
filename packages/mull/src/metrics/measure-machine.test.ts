import { describe, expect, it } from "vitest";
import { machinePerformance, measureMachine } from "./measure-machine.ts";

describe("measureMachine", () => {
  it("turns the fastest trial's time into rates", () => {
    let tick = 0;
    // Every trial takes exactly one millisecond on this clock.
    const machine = measureMachine({ bufferBytes: 8000, multiplyAdds: 400, trials: 2, now: () => tick++ });
    expect(machine.bytesPerSecond).toBe((2 * 8000) / 0.001);
    expect(machine.flopsPerSecond).toBe((2 * 400) / 0.001);
    expect(machine.source).toContain("JavaScript");
  });

  it("measures this machine once per process, with positive finite rates", () => {
    const machine = machinePerformance();
    expect(machine.flopsPerSecond).toBeGreaterThan(0);
    expect(Number.isFinite(machine.flopsPerSecond)).toBe(true);
    expect(machine.bytesPerSecond).toBeGreaterThan(0);
    expect(Number.isFinite(machine.bytesPerSecond)).toBe(true);
    expect(machinePerformance()).toBe(machine);
  });
});
