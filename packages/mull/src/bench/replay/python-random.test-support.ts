/**
 * Python's `random.Random(seed)` (Mersenne Twister MT19937, seeded from an integer as CPython does) and
 * its `shuffle`, so that a test can draw exactly the samples that a Python evaluation drew and compare
 * figures without shuffle noise.
 */
export interface PythonRandom {
  /** `random.Random.shuffle`: shuffles in place, as CPython does (Fisher–Yates from the end). */
  shuffle<Item>(items: Item[]): void;
}

const size = 624;
const shift = 397;

function initialState(seed: number): Uint32Array {
  const state = new Uint32Array(size);
  state[0] = 19650218;
  for (let index = 1; index < size; index += 1) {
    const previous = state[index - 1]!;
    state[index] = Math.imul(1812433253, previous ^ (previous >>> 30)) + index;
  }
  // CPython seeds from the integer's 32-bit words (`init_by_array`); a seed below 2^32 is one word.
  const key = [seed >>> 0];
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
 * `random.Random(seed)` for an integer seed from 0 to 2^32 − 1.
 *
 * @example
 * const rng = pythonRandom(0);
 * rng.shuffle(samples); // the order `random.Random(0).shuffle(samples)` gives in Python
 */
export function pythonRandom(seed: number): PythonRandom {
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    throw new RangeError(`pythonRandom: seed must be an integer from 0 to 2^32 - 1, got ${seed}`);
  }
  const state = initialState(seed);
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
    shuffle(items) {
      for (let index = items.length - 1; index > 0; index -= 1) {
        const other = below(index + 1);
        [items[index], items[other]] = [items[other]!, items[index]!];
      }
    },
  };
}
