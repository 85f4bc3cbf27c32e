import { describe, expect, it } from 'vitest';
import {
  base64ToFloat32,
  decodeModel,
  encodeModel,
  float32ToBase64,
  ModelFileError,
} from '../../src/engine/model-file.js';
import { DEFAULT_OPTIONS } from '../../src/engine/options.js';

describe('base64 float32', () => {
  it('round-trips every length including padding cases', () => {
    for (let n = 0; n < 9; n++) {
      const values = Float32Array.from(
        { length: n },
        (_, i) => (i - 3.25) * 1e-3 + (i % 2 ? -0 : 1e30),
      );
      expect(base64ToFloat32(float32ToBase64(values))).toEqual(values);
    }
  });
  it('is little-endian IEEE float32 (matches Node Buffer)', () => {
    const values = new Float32Array([1, -2.5, 3.1415927]);
    expect(float32ToBase64(values)).toBe(Buffer.from(values.buffer).toString('base64'));
  });
  it('rejects text that is not base64 of whole floats', () => {
    expect(base64ToFloat32('AAAA')).toBeNull(); // 3 bytes
    expect(base64ToFloat32('@@@@@@@@')).toBeNull();
  });
});

describe('model files', () => {
  const model = {
    spec: {
      inputs: 2,
      layers: [
        { type: 'dense' as const, units: 2, activation: 'tanh' as const },
        { type: 'dense' as const, units: 1 },
      ],
      loss: 'bce' as const,
    },
    optimizer: DEFAULT_OPTIONS,
    step: 12,
    params: [
      { name: '0.weight', shape: [2, 2], values: new Float32Array([1, 2, 3, 4]) },
      { name: '0.bias', shape: [2], values: new Float32Array([0.5, -0.5]) },
      { name: '2.weight', shape: [1, 2], values: new Float32Array([0.25, 0.125]) },
      { name: '2.bias', shape: [1], values: new Float32Array([-1]) },
    ],
    data: { name: 'xor', seed: 3 },
  };
  for (const encoding of ['base64', 'numbers'] as const) {
    it(`round-trips with ${encoding}`, () => {
      const text = encodeModel(model, encoding);
      const back = decodeModel(text);
      expect(back.params).toEqual(model.params);
      expect(back.spec).toEqual(model.spec);
      expect(back.step).toBe(12);
      expect(back.data).toEqual(model.data);
    });
  }
  it('names what is wrong in a damaged file', () => {
    const fail = (text: string): string => {
      try {
        decodeModel(text);
      } catch (error) {
        expect(error).toBeInstanceOf(ModelFileError);
        return (error as Error).message;
      }
      throw new Error('expected failure');
    };
    expect(fail('{oops')).toMatch(/^the model file is not valid JSON/);
    expect(fail('{"format": "keras"}')).toBe(
      'format must be "neural-journey/model@1", got "keras"',
    );
    const json = JSON.parse(encodeModel(model, 'numbers'));
    json.params['0.weight'].values = [1, 2, 3];
    json.optimizer.lr = -1;
    const message = fail(JSON.stringify(json));
    expect(message).toContain('params["0.weight"] holds 3 values but its shape [2, 2] needs 4');
    expect(message).toContain('optimizer.lr must be a number from 1e-7 to 10, got -1');
  });
});
