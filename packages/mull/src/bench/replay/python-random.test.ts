import { describe, expect, it } from "vitest";
import { pythonRandom } from "./python-random.ts";

// Every expected value below was printed by CPython 3.11, e.g.
// python3 -c "import random; r = random.Random(0); l = list(range(10)); r.shuffle(l); print(l)"
describe("pythonRandom reproduces CPython's random.Random(seed)", () => {
  it("random(): the floats CPython draws, across twists of the state", () => {
    const rng = pythonRandom(0);
    expect(rng.random()).toBe(0.8444218515250481);
    expect(rng.random()).toBe(0.7579544029403025);
    // The 701st draw reads words 1,401 and 1,402: the state has been twisted twice.
    for (let draw = 3; draw <= 700; draw += 1) rng.random();
    expect(rng.random()).toBe(0.6380736282281027);
  });

  it("seeds from an integer as CPython does: its absolute value, in 32-bit words", () => {
    expect(pythonRandom(2 ** 32 - 1).random()).toBe(0.6353574441341173);
    // Two-word keys.
    expect(pythonRandom(2 ** 32 + 5).random()).toBe(0.15727238718789782);
    expect(pythonRandom(Number.MAX_SAFE_INTEGER).random()).toBe(0.09425040007102303);
    expect(pythonRandom(-3).random()).toBe(0.23796462709189137);
    expect(pythonRandom(3).random()).toBe(0.23796462709189137);
  });

  it("shuffle(): the permutations CPython's random.shuffle gives", () => {
    const ten = Array.from({ length: 10 }, (_, index) => index);
    pythonRandom(0).shuffle(ten);
    expect(ten).toEqual([7, 8, 1, 5, 3, 4, 2, 0, 9, 6]);
    const twenty = Array.from({ length: 20 }, (_, index) => index);
    pythonRandom(1).shuffle(twenty);
    expect(twenty).toEqual([11, 5, 17, 19, 9, 0, 16, 1, 15, 6, 10, 13, 14, 12, 7, 3, 8, 2, 18, 4]);
    const letters = [..."abcdefgh"];
    pythonRandom(12345).shuffle(letters);
    expect(letters).toEqual(["d", "b", "h", "e", "c", "a", "f", "g"]);
  });

  it("shuffles one list after another from one generator, as the reference protocol does", () => {
    const rng = pythonRandom(19);
    const first = Array.from({ length: 128 }, (_, index) => index);
    rng.shuffle(first);
    expect(first.slice(0, 10)).toEqual([86, 70, 36, 117, 87, 55, 60, 80, 46, 4]);
    const second = [0, 1, 2];
    rng.shuffle(second);
    expect(second).toEqual([2, 1, 0]);
  });

  it("refuses a seed that is not a safe integer", () => {
    expect(() => pythonRandom(1.5)).toThrow(/pythonRandom: seed must be an integer/);
    expect(() => pythonRandom(2 ** 53)).toThrow(/pythonRandom: seed must be an integer/);
  });
});
