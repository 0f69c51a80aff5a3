// @ts-check
// Exponential backoff with full jitter for reconnects (chat and player): never a tight loop, and a crowd that lost
// the same server does not come back in step.

export class Backoff {
  /** @param {{baseMs?: number, maxMs?: number, random?: () => number}} [options] */
  constructor(options = {}) {
    this.baseMs = options.baseMs ?? 500;
    this.maxMs = options.maxMs ?? 30_000;
    this.random = options.random ?? Math.random;
    this.attempt = 0;
  }

  /**
   * The delay before the next attempt: uniformly between half and all of base·2^attempt (capped), and never below
   * `atLeastMs` (a server's Retry-After or retryAfterMs).
   * @param {number} [atLeastMs]
   */
  next(atLeastMs = 0) {
    const ceiling = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.attempt, 16));
    this.attempt++;
    const jittered = ceiling / 2 + this.random() * (ceiling / 2);
    return Math.round(Math.max(atLeastMs, jittered));
  }

  reset() {
    this.attempt = 0;
  }
}
