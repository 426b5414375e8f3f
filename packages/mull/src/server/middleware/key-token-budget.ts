/** A reservation against a key's token budget. */
export interface TokenReservation {
  /**
   * Settles the reservation with the tokens the request `used`: gives back what it did not use, and
   * charges what it used beyond the reservation (the window may then count more than its limit, and the
   * key's later requests in it are refused); `used` unknown keeps the reservation as it is. Only once,
   * and only in the window the reservation was made in. A shared budget answers with a promise that never
   * rejects: a settlement it cannot make leaves the reservation as it was.
   */
  settle(used: number | undefined): void | Promise<void>;
}

/** Why a key's budget could not cover a reservation. */
export interface KeyBudgetRefusal {
  /** Seconds until the key's window resets. */
  readonly retryAfterSeconds: number;
  /** Tokens the key has left in its current window (not reserved by requests in it). */
  readonly remainingTokens: number;
}

/** Per-key token budgets over fixed one-minute windows. */
export interface KeyTokenBudget {
  /**
   * Reserves `tokens` for `key` (an opaque key id, never the key) in the current window. Returns the
   * reservation, or, when the budget cannot cover it, the seconds until the window resets and the tokens
   * left in it.
   */
  reserve(key: string, tokens: number): TokenReservation | KeyBudgetRefusal;
}

/**
 * Token budgets per API key: each request reserves its worst case (samples × (prompt + max_tokens)) up
 * front, in one synchronous step, so concurrent requests can never together pass the budget; when it
 * ends, what a request did not use is given back and what it used beyond its reservation is charged.
 * Windows are fixed minutes counted from a key's first request in them.
 *
 * @example
 * const budget = createKeyTokenBudget(100_000, () => Date.now());
 * const reservation = budget.reserve(keyId, 8 * (200 + 512));
 * if ("retryAfterSeconds" in reservation) return tooMany(reservation.retryAfterSeconds);
 * reservation.settle(usedTokens);
 */
export function createKeyTokenBudget(tokensPerMinute: number, now: () => number): KeyTokenBudget {
  const windowMilliseconds = 60_000;
  const windows = new Map<string, { start: number; reserved: number }>();
  let sweptAt = now();
  return {
    reserve(key, tokens) {
      const time = now();
      if (time - sweptAt > windowMilliseconds) {
        // Forget keys idle for a whole window, so the map does not grow with every key ever seen.
        for (const [id, window] of windows) if (time - window.start >= windowMilliseconds) windows.delete(id);
        sweptAt = time;
      }
      let window = windows.get(key);
      if (window === undefined || time - window.start >= windowMilliseconds) {
        window = { start: time, reserved: 0 };
        windows.set(key, window);
      }
      if (window.reserved + tokens > tokensPerMinute) {
        return {
          retryAfterSeconds: Math.max(1, Math.ceil((window.start + windowMilliseconds - time) / 1000)),
          remainingTokens: Math.max(0, tokensPerMinute - window.reserved),
        };
      }
      window.reserved += tokens;
      const reservedIn = window;
      let settled = false;
      return {
        settle(used) {
          if (settled || used === undefined) return;
          settled = true;
          // Only a reservation in the window still running is settled: given back, or charged beyond itself.
          if (windows.get(key) === reservedIn)
            reservedIn.reserved = Math.max(0, reservedIn.reserved - tokens + used);
        },
      };
    },
  };
}
