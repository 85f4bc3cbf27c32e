/** Shared fixtures for the save and share tests: an in-memory storage and attempt factories. */
import type { StorageLike } from '../../src/game/state/saves.js';
import type { Attempt } from '../../src/levels/types.js';
import { DEFAULT_OPTIONS } from '../../src/engine/options.js';

/** A localStorage stand-in that can be told to fail like a full or blocked browser storage. */
export class MemoryStorage implements StorageLike {
  readonly map = new Map<string, string>();
  failGet = false;
  failSet = false;
  writes = 0;
  getItem(key: string): string | null {
    if (this.failGet) throw new Error('SecurityError: The operation is insecure.');
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    if (this.failSet) throw new Error('QuotaExceededError: The quota has been exceeded.');
    this.writes++;
    this.map.set(key, String(value));
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

export function attempt(overrides: Partial<Attempt> = {}): Attempt {
  return {
    levelId: 'c2-xor',
    spec: {
      layers: [
        { type: 'dense', units: 4, activation: 'tanh' },
        { type: 'dense', units: 1 },
      ],
    },
    options: { ...DEFAULT_OPTIONS, lr: 0.03 },
    seed: 7,
    steps: 500,
    params: 17,
    achieved: 0.05,
    passed: true,
    stars: 1,
    ...overrides,
  };
}
