import { DisposedError } from "mull/errors";
import { checkInteger } from "mull/runtime";
import { commonPrefixLength } from "./common-prefix-length.ts";

/** A sequence taken from a {@link SequencePool}; give it back with `release()` exactly once. */
export interface SequenceLease<Item> {
  readonly item: Item;
  release(): void;
}

/** Options of {@link SequencePool}. */
export interface SequencePoolOptions<Item> {
  /** Most items the pool ever holds (the context's sequence count). */
  readonly capacity: number;
  /** Creates one more item; called lazily, at most `capacity` times. */
  readonly create: () => Item;
  /** Tokens currently cached by an item, to prefer the one that already holds a prompt's prefix. */
  readonly cachedTokens: (item: Item) => readonly number[];
  /** Names the pool's owner in errors. */
  readonly owner: string;
}

interface Waiter<Item> {
  readonly resolve: (lease: SequenceLease<Item>) => void;
  readonly reject: (reason: unknown) => void;
  readonly cleanup: () => void;
}

/**
 * Hands out a fixed number of context sequences to concurrent work. Idle sequences are chosen by cache affinity
 * (the one whose cached tokens share the longest prefix with the caller's tokens, so a prompt evaluated before is
 * reused); when none is idle, callers wait first-in first-out, and an aborted wait leaves the queue.
 */
export class SequencePool<Item> {
  readonly #options: SequencePoolOptions<Item>;
  readonly #idle: Item[] = [];
  readonly #waiters: Waiter<Item>[] = [];
  #created = 0;
  #closed = false;

  /** @throws ConfigError `<owner>: capacity must be an integer ≥ 1, got 0`. */
  constructor(options: SequencePoolOptions<Item>) {
    checkInteger(options.owner, "capacity", options.capacity, { minimum: 1 });
    this.#options = options;
  }

  /** Items idle or not created yet. */
  get available(): number {
    return this.#idle.length + (this.#options.capacity - this.#created);
  }

  /** Callers waiting for an item. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** Items leased now plus callers waiting: how busy the pool is. */
  get load(): number {
    return this.#created - this.#idle.length + this.#waiters.length;
  }

  /** The longest prefix that an idle item's cached tokens share with `tokens` (0 when none is idle). */
  cachedPrefixLength(tokens: readonly number[]): number {
    let longest = 0;
    for (const item of this.#idle) {
      longest = Math.max(longest, commonPrefixLength(this.#options.cachedTokens(item), tokens));
    }
    return longest;
  }

  /** Takes an item now if one is available, else `undefined`. */
  tryAcquire(preferredTokens: readonly number[] = []): SequenceLease<Item> | undefined {
    this.#ensureOpen();
    if (this.#waiters.length > 0) return undefined;
    let bestIndex = -1;
    let bestLength = -1;
    this.#idle.forEach((item, index) => {
      const length = commonPrefixLength(this.#options.cachedTokens(item), preferredTokens);
      if (length > bestLength) {
        bestLength = length;
        bestIndex = index;
      }
    });
    // A fresh item beats an idle one that shares nothing: it keeps another prompt's cache for later.
    if ((bestIndex < 0 || bestLength === 0) && this.#created < this.#options.capacity) {
      this.#created += 1;
      return this.#lease(this.#options.create());
    }
    if (bestIndex < 0) return undefined;
    const [item] = this.#idle.splice(bestIndex, 1) as [Item];
    return this.#lease(item);
  }

  /** Takes an item, waiting (first in, first out) until one is released; rejects with the signal's reason on abort. */
  async acquire(signal?: AbortSignal, preferredTokens: readonly number[] = []): Promise<SequenceLease<Item>> {
    this.#ensureOpen();
    signal?.throwIfAborted();
    const lease = this.tryAcquire(preferredTokens);
    if (lease !== undefined) return lease;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter<Item> = {
        resolve,
        reject,
        cleanup: () => signal?.removeEventListener("abort", onAbort),
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Rejects every waiter and refuses new leases; items already leased may still be released. */
  close(): void {
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) {
      waiter.cleanup();
      waiter.reject(new DisposedError(this.#options.owner));
    }
  }

  #lease(item: Item): SequenceLease<Item> {
    let released = false;
    return {
      item,
      release: () => {
        if (released) return;
        released = true;
        const waiter = this.#waiters.shift();
        if (waiter !== undefined && !this.#closed) {
          waiter.cleanup();
          waiter.resolve(this.#lease(item));
        } else {
          this.#idle.push(item);
        }
      },
    };
  }

  #ensureOpen(): void {
    if (this.#closed) throw new DisposedError(this.#options.owner);
  }
}
