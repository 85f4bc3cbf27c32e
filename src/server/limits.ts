/**
 * Small in-memory token buckets for the server's rate limits: per IP address and per token.
 * Each key holds up to `burst` requests and regains `perSecond` a second. The map forgets full
 * buckets when it grows, so a flood of addresses cannot grow it without end.
 */
export interface BucketRule {
  burst: number;
  perSecond: number;
}

export class Buckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly rule: BucketRule,
    private readonly clock: () => number = () => performance.now(),
    private readonly maxKeys = 50_000,
  ) {}

  /** Takes one request for `key`: 0 when allowed, else the seconds until one is. */
  take(key: string): number {
    const now = this.clock();
    let b = this.buckets.get(key);
    if (b) {
      b.tokens = Math.min(this.rule.burst, b.tokens + ((now - b.at) / 1000) * this.rule.perSecond);
      b.at = now;
    } else {
      if (this.buckets.size >= this.maxKeys) this.sweep(now);
      b = { tokens: this.rule.burst, at: now };
      this.buckets.set(key, b);
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.rule.perSecond));
  }

  private sweep(now: number): void {
    for (const [key, b] of this.buckets) {
      const tokens = b.tokens + ((now - b.at) / 1000) * this.rule.perSecond;
      if (tokens >= this.rule.burst) this.buckets.delete(key);
    }
    // Still full of busy keys: drop the oldest half rather than grow.
    if (this.buckets.size >= this.maxKeys) {
      let n = Math.floor(this.maxKeys / 2);
      for (const key of this.buckets.keys()) {
        if (n-- <= 0) break;
        this.buckets.delete(key);
      }
    }
  }
}
