import { checkInteger } from "../../runtime/index.ts";

/**
 * The draws of CPython's `random.Random` (the Mersenne Twister MT19937) that a replay needs, bit for bit,
 * so that a replay can take exactly the samples a Python evaluation took.
 */
export interface PythonRandom {
  /** `random.Random.random()`: a float in [0, 1) from 53 random bits, as CPython builds it. */
  random(): number;
  /**
   * `random.Random.shuffle(items)`: shuffles in place as CPython 3 does, Fisher–Yates from the last item
   * down, each swap index drawn by `_randbelow_with_getrandbits` (rejection sampling on bit_length bits).
   */
  shuffle<Item>(items: Item[]): void;
}

const size = 624;
const shift = 397;

/** The 32-bit words of |seed|, least significant first: the key CPython's `random_seed` passes on. */
function seedKey(seed: number): number[] {
  const key: number[] = [];
  let rest = Math.abs(seed);
  do {
    key.push(rest % 2 ** 32);
    rest = Math.floor(rest / 2 ** 32);
  } while (rest > 0);
  return key;
}

/** MT19937's `init_by_array`, the seeding CPython uses for every integer seed. */
function initialState(key: readonly number[]): Uint32Array {
  const state = new Uint32Array(size);
  state[0] = 19650218;
  for (let index = 1; index < size; index += 1) {
    const previous = state[index - 1]!;
    state[index] = Math.imul(1812433253, previous ^ (previous >>> 30)) + index;
  }
  let index = 1;
  let keyIndex = 0;
  for (let count = Math.max(size, key.length); count > 0; count -= 1) {
    const previous = state[index - 1]!;
    state[index] =
      (state[index]! ^ Math.imul(previous ^ (previous >>> 30), 1664525)) + key[keyIndex]! + keyIndex;
    index += 1;
    keyIndex += 1;
    if (index >= size) {
      state[0] = state[size - 1]!;
      index = 1;
    }
    if (keyIndex >= key.length) keyIndex = 0;
  }
  for (let count = size - 1; count > 0; count -= 1) {
    const previous = state[index - 1]!;
    state[index] = (state[index]! ^ Math.imul(previous ^ (previous >>> 30), 1566083941)) - index;
    index += 1;
    if (index >= size) {
      state[0] = state[size - 1]!;
      index = 1;
    }
  }
  state[0] = 0x80000000;
  return state;
}

/**
 * Python's `random.Random(seed)` for an integer seed: the generator CPython 3 builds from an `int`
 * (its absolute value split into 32-bit words for `init_by_array`), with its `random()` and `shuffle()`.
 * Other seeds (strings, floats, `None`) and the other methods are not reproduced.
 *
 * @throws ConfigError when the seed is not a safe integer.
 * @example
 * const rng = pythonRandom(0);
 * rng.random(); // 0.8444218515250481, as `random.Random(0).random()`
 * const order = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
 * pythonRandom(0).shuffle(order); // [7, 8, 1, 5, 3, 4, 2, 0, 9, 6], as `random.Random(0).shuffle(order)`
 */
export function pythonRandom(seed: number): PythonRandom {
  checkInteger("pythonRandom", "seed", seed, {
    minimum: -Number.MAX_SAFE_INTEGER,
    maximum: Number.MAX_SAFE_INTEGER,
  });
  const state = initialState(seedKey(seed));
  let position = size;
  const twist = (): void => {
    for (let index = 0; index < size; index += 1) {
      const mixed = (state[index]! & 0x80000000) | (state[(index + 1) % size]! & 0x7fffffff);
      state[index] = state[(index + shift) % size]! ^ (mixed >>> 1) ^ (mixed & 1 ? 0x9908b0df : 0);
    }
    position = 0;
  };
  const nextUint32 = (): number => {
    if (position >= size) twist();
    let value = state[position]!;
    position += 1;
    value ^= value >>> 11;
    value ^= (value << 7) & 0x9d2c5680;
    value ^= (value << 15) & 0xefc60000;
    value ^= value >>> 18;
    return value >>> 0;
  };
  // `_randbelow_with_getrandbits`: draw bit_length(n) bits until the value is below n.
  const below = (bound: number): number => {
    const bits = 32 - Math.clz32(bound);
    for (;;) {
      const value = nextUint32() >>> (32 - bits);
      if (value < bound) return value;
    }
  };
  return {
    random() {
      // `random_random`: 27 and 26 high bits of two draws make the 53-bit mantissa.
      const high = nextUint32() >>> 5;
      const low = nextUint32() >>> 6;
      return (high * 67108864 + low) / 9007199254740992;
    },
    shuffle(items) {
      for (let index = items.length - 1; index > 0; index -= 1) {
        const other = below(index + 1);
        [items[index], items[other]] = [items[other]!, items[index]!];
      }
    },
  };
}
