import { describe, expect, it } from 'vitest';
import { decodeLanes, encodeLanes, laneName, makeLane } from '../../src/game/state/lanes.js';
import { decodeHash, encodeShare } from '../../src/game/state/share.js';

describe('race lanes in a link', () => {
  it('round-trips every kind, with non-default settings written as key=value', () => {
    const lanes = [
      makeLane('sgd', 0.3),
      makeLane('nesterov', 0.05),
      { ...makeLane('adamw', 0.001), beta1: 0.8, weightDecay: 0.1 },
      { ...makeLane('rmsprop', 0.01), alpha: 0.9 },
    ];
    const text = encodeLanes(lanes);
    expect(text).toBe(
      'sgd:0.3,nesterov:0.05,adamw:0.001:beta1=0.8:weightDecay=0.1,rmsprop:0.01:alpha=0.9',
    );
    expect(decodeLanes(text)).toEqual(lanes);
    expect(laneName(lanes[1]!)).toBe('Nesterov, lr 0.05');
  });

  it('refuses an unknown optimizer, a bad rate, an unknown setting and too many lanes, naming the lane', () => {
    expect(decodeLanes('lion:0.1')).toEqual({
      error: expect.stringMatching(/lane 1 has an unknown optimizer "lion"/),
    });
    expect(decodeLanes('sgd:0.1,adam:NaN')).toEqual({
      error: expect.stringMatching(/lane 2: .*lr must be a number/),
    });
    expect(decodeLanes('adam:0.1:gamma=2')).toEqual({
      error: expect.stringMatching(/unknown setting "gamma=2"/),
    });
    expect(decodeLanes('sgd:1,sgd:1,sgd:1,sgd:1,sgd:1')).toEqual({
      error: expect.stringMatching(/1 to 4 lanes, got 5/),
    });
  });

  it('a race link carries its lanes, and a bad one refuses the whole link', () => {
    const hash =
      '#level=c2-spiral&layers=dense:32:relu,dense:3:softmax&lr=0.005&lanes=sgd:0.005,adam:0.005';
    const decoded = decodeHash(hash);
    expect(decoded.notice).toBeNull();
    expect(decoded.state?.lanes?.map(laneName)).toEqual(['SGD, lr 0.005', 'Adam, lr 0.005']);
    expect(encodeShare(decoded.state!)).toMatch(/&lanes=sgd:0\.005,adam:0\.005$/);
    expect(decodeHash(hash.replace('adam', 'lion')).state).toBeNull();
  });
});
