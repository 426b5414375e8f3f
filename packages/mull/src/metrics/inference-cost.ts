import type { ModelArchitecture } from "../spec/index.ts";

/**
 * Cost of generating with a decoder-only transformer beyond token counts: FLOPs (Kaplan et al. 2020,
 * "Scaling Laws for Neural Language Models": a forward pass costs 2·N FLOPs per token for N weights, plus
 * 2·layers·context·d for attention over the context), bytes read from memory per token (the weights, and
 * the key/value cache over the context), and a roofline idealized time on a machine: each step takes the
 * longer of its FLOPs at peak FLOP/s and its bytes at peak bandwidth.
 */

/** Peak rates of a machine, for the roofline. */
export interface MachinePerformance {
  /** Floating-point operations per second (a multiply-add counts 2). */
  readonly flopsPerSecond: number;
  /** Bytes per second read and written from memory. */
  readonly bytesPerSecond: number;
  /** How the rates were obtained, e.g. `measured in JavaScript, 1 thread`. */
  readonly source?: string | undefined;
}

/**
 * Tokens of a prompt evaluated at once, then of the completions generated after it token by token: one, or
 * `sequences` side by side in one batch, each attending over the prompt and its own tokens.
 */
export interface SequenceTokens {
  /** Tokens of the prompt, evaluated once and shared by every completion. */
  readonly promptTokens: number;
  /** Tokens of each completion. */
  readonly completionTokens: number;
  /**
   * Completions decoded side by side after the one prompt: each step computes a token of every one of
   * them and reads the weights once for all; default 1.
   */
  readonly sequences?: number | undefined;
}

/** Settings of the memory-traffic model. */
export interface MemoryTrafficOptions {
  /** Bytes per stored key or value element in the cache; default 2 (f16, llama.cpp's default). */
  readonly cacheBytesPerValue?: number | undefined;
}

/** A cost split into prompt evaluation (prefill) and generation (decode). */
export interface PhaseCost {
  /** Cost of evaluating the prompt, in the unit of the function that returned it (FLOPs or seconds). */
  readonly prefill: number;
  /** Cost of generating every completion's tokens, in the same unit. */
  readonly decode: number;
  /** `prefill` plus `decode`. */
  readonly total: number;
}

function phases(prefill: number, decode: number): PhaseCost {
  return { prefill, decode, total: prefill + decode };
}

/** Sum of the integers first..last (0 when last < first). */
function sumRange(first: number, last: number): number {
  if (last < first) return 0;
  return ((first + last) * (last - first + 1)) / 2;
}

/**
 * FLOPs of one forward pass for one token that attends over `context` tokens (itself included):
 * 2·parameters + 2·layers·context·embedding.
 *
 * @example
 * tokenFlops({ parameters: 1000, layers: 2, embedding: 8 }, 10); // 2000 + 320 = 2320
 */
export function tokenFlops(architecture: ModelArchitecture, context: number): number {
  return 2 * architecture.parameters + 2 * architecture.layers * context * architecture.embedding;
}

/**
 * FLOPs of a prompt and its completions: the prompt's tokens at positions 1..p once, then each completion's
 * at p+1..p+c, each attending over the tokens up to itself.
 *
 * @example
 * sequenceFlops(architecture, { promptTokens: 20, completionTokens: 12 }).total;
 * sequenceFlops(architecture, { promptTokens: 20, completionTokens: 12, sequences: 8 }).decode; // 8 × one's
 */
export function sequenceFlops(architecture: ModelArchitecture, tokens: SequenceTokens): PhaseCost {
  const { promptTokens: prompt, completionTokens: completion } = tokens;
  const sequences = tokens.sequences ?? 1;
  const attention = 2 * architecture.layers * architecture.embedding;
  const weights = 2 * architecture.parameters;
  return phases(
    weights * prompt + attention * sumRange(1, prompt),
    sequences * (weights * completion + attention * sumRange(prompt + 1, prompt + completion)),
  );
}

/** Bytes of the weights: as given, or 2 per parameter (f16) when not. */
export function weightBytes(architecture: ModelArchitecture): number {
  return architecture.weightBytes ?? 2 * architecture.parameters;
}

/** Bytes of the key/value cache per token of context: 2 (key and value) · layers · key/value width · bytes. */
export function cacheBytesPerToken(
  architecture: ModelArchitecture,
  options: MemoryTrafficOptions = {},
): number {
  const heads = architecture.heads;
  const width =
    heads === undefined || architecture.keyValueHeads === undefined
      ? architecture.embedding
      : (architecture.embedding * architecture.keyValueHeads) / heads;
  return 2 * architecture.layers * width * (options.cacheBytesPerValue ?? 2);
}

/**
 * Bytes read to generate one token over `context` tokens: every weight once, and the cached keys and values
 * of the context.
 *
 * @example
 * tokenBytes({ parameters: 1000, layers: 2, embedding: 8 }, 10); // 2000 + 10 · 64
 */
export function tokenBytes(
  architecture: ModelArchitecture,
  context: number,
  options: MemoryTrafficOptions = {},
): number {
  return weightBytes(architecture) + context * cacheBytesPerToken(architecture, options);
}

/** Σ over integer t in [first, last] of max(a1 + b1·t, a2 + b2·t), in closed form. */
function sumOfLargerLine(first: number, last: number, one: [number, number], two: [number, number]): number {
  if (last < first) return 0;
  const lineSum = ([a, b]: [number, number], from: number, to: number) =>
    to < from ? 0 : a * (to - from + 1) + b * sumRange(from, to);
  if (one[1] === two[1]) return lineSum(one[0] >= two[0] ? one : two, first, last);
  // The lines cross once: before the crossing the flatter one is larger, after it the steeper one.
  const [flat, steep] = one[1] < two[1] ? [one, two] : [two, one];
  const crossing = (flat[0] - steep[0]) / (steep[1] - flat[1]);
  const split = Math.min(last, Math.max(first - 1, Math.floor(crossing)));
  return lineSum(flat, first, split) + lineSum(steep, split + 1, last);
}

/**
 * Roofline idealized seconds of a prompt and its completions on a machine: the prompt in one step that takes
 * the longer of its FLOPs at peak and reading the weights and writing its cache at peak bandwidth; then one
 * step per generated position, computing that token of every sequence and reading the weights once and
 * each sequence's cache, taking the longer of its FLOPs and its bytes. A lower bound on the time of that
 * work at those rates: real engines lose to overheads, kernels below peak and synchronisation; it holds
 * for the machine only if the rates are its peaks.
 *
 * @example
 * idealizedSeconds(architecture, { promptTokens: 20, completionTokens: 12 }, { flopsPerSecond: 1e9, bytesPerSecond: 1e10 }).total;
 */
export function idealizedSeconds(
  architecture: ModelArchitecture,
  tokens: SequenceTokens,
  machine: MachinePerformance,
  options: MemoryTrafficOptions = {},
): PhaseCost {
  const { promptTokens: prompt, completionTokens: completion } = tokens;
  const sequences = tokens.sequences ?? 1;
  const flops = sequenceFlops(architecture, tokens);
  const cache = cacheBytesPerToken(architecture, options);
  const prefill =
    prompt <= 0
      ? 0
      : Math.max(
          flops.prefill / machine.flopsPerSecond,
          (weightBytes(architecture) + prompt * cache) / machine.bytesPerSecond,
        );
  // Step at context t: compute sequences · (2N + 2·layers·d·t), bytes weights + sequences · t · cache.
  const compute: [number, number] = [
    (sequences * 2 * architecture.parameters) / machine.flopsPerSecond,
    (sequences * 2 * architecture.layers * architecture.embedding) / machine.flopsPerSecond,
  ];
  const memory: [number, number] = [
    weightBytes(architecture) / machine.bytesPerSecond,
    (sequences * cache) / machine.bytesPerSecond,
  ];
  return phases(prefill, sumOfLargerLine(prompt + 1, prompt + completion, compute, memory));
}
