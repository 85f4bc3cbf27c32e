import { describe, expect, it } from 'vitest';
import { makeDataset } from '../../src/data/index.js';
import { Learner } from '../../src/engine/learner.js';
import {
  base64ToFloat32,
  decodeModel,
  encodeModel,
  float32ToBase64,
  ModelFileError,
} from '../../src/engine/model-file.js';
import { LIMITS } from '../../src/engine/limits.js';
import { DEFAULT_OPTIONS } from '../../src/engine/options.js';
import { loadKernelModule } from '../../src/node/kernel-file.js';

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
      'format must be "neural-journey/model@2" (or "neural-journey/model@1"), got "keras"',
    );
    const json = JSON.parse(encodeModel(model, 'numbers'));
    json.params['0.weight'].values = [1, 2, 3];
    json.optimizer.lr = -1;
    const message = fail(JSON.stringify(json));
    expect(message).toContain('params["0.weight"] holds 3 values but its shape [2, 2] needs 4');
    expect(message).toContain('optimizer.lr must be a number from 1e-7 to 10, got -1');
  });
});

describe('model files: training state, data scales and limits', () => {
  const params = [
    { name: '0.weight', shape: [1, 2], values: new Float32Array([0.5, -0.25]) },
    { name: '0.bias', shape: [1], values: new Float32Array([0.125]) },
  ];
  const state = {
    optimizer: 'adam' as const,
    t: 3,
    beta1Power: 0.9 ** 3,
    beta2Power: 0.999 ** 3,
    cursor: 2,
    rng: [1, 0xffffffff, 7, 123456789],
    order: new Int32Array([2, 0, 3, 1]),
    buffers: [
      { buffer: 'exp_avg', param: '0.weight', shape: [1, 2], values: new Float32Array([1e-3, -2]) },
      { buffer: 'exp_avg', param: '0.bias', shape: [1], values: new Float32Array([3]) },
      { buffer: 'exp_avg_sq', param: '0.weight', shape: [1, 2], values: new Float32Array([4, 5]) },
      { buffer: 'exp_avg_sq', param: '0.bias', shape: [1], values: new Float32Array([6e-30]) },
    ],
  };
  const model = {
    spec: { inputs: 2, layers: [{ type: 'dense' as const, units: 1 }], loss: 'mse' as const },
    optimizer: DEFAULT_OPTIONS,
    step: 3,
    params,
    data: {
      name: 'houses.csv',
      seed: 1,
      target: 'price',
      standardization: { mean: [125.5, 3], std: [43.25, 1.4142135623730951] },
      targetStandardization: { mean: [301234.56789], std: [80123.4] },
    },
    state,
  };

  for (const encoding of ['base64', 'numbers'] as const) {
    it(`round-trips the state and the scales exactly with ${encoding}`, () => {
      const back = decodeModel(encodeModel(model, encoding));
      expect(back.state).toEqual(state);
      expect(back.state!.order).toBeInstanceOf(Int32Array);
      expect(back.data).toEqual(model.data);
    });
  }

  it('writes the order as int32 and the buffers by name and parameter', () => {
    const json = JSON.parse(encodeModel(model));
    expect(json.state.order).toEqual({
      shape: [4],
      dtype: 'int32',
      base64: Buffer.from(new Int32Array([2, 0, 3, 1]).buffer).toString('base64'),
    });
    expect(Object.keys(json.state.buffers)).toEqual(['exp_avg', 'exp_avg_sq']);
    expect(Object.keys(json.state.buffers.exp_avg)).toEqual(['0.weight', '0.bias']);
    expect(json.state.buffers.exp_avg['0.weight'].dtype).toBe('float32');
  });

  it('a file without state or scales still loads', () => {
    const json = JSON.parse(encodeModel(model));
    delete json.state;
    delete json.data.standardization;
    delete json.data.targetStandardization;
    const back = decodeModel(JSON.stringify(json));
    expect(back.state).toBeUndefined();
    expect(back.data).toEqual({ name: 'houses.csv', seed: 1, target: 'price' });
  });

  const fail = (json: unknown): string => {
    try {
      decodeModel(typeof json === 'string' ? json : JSON.stringify(json));
    } catch (error) {
      expect(error).toBeInstanceOf(ModelFileError);
      return (error as Error).message;
    }
    throw new Error('expected failure');
  };

  it('names what is wrong in a damaged state', () => {
    const json = JSON.parse(encodeModel(model, 'numbers'));
    json.state.rng = [1, 2, 3];
    json.state.beta1Power = 1.5;
    json.state.order.values = [0, 1.5, 2, 3];
    json.state.buffers.exp_avg['0.bias'] = { shape: [1], values: ['x'] };
    const message = fail(json);
    expect(message).toContain('state.rng must be a list of four integers from 0 to 4294967295');
    expect(message).toContain('state.beta1Power must be a number from 0 to 1, got 1.5');
    expect(message).toContain('state.order.values must be a list of 32-bit integers');
    expect(message).toContain('state.buffers.exp_avg["0.bias"].values must be a list of numbers');
    delete json.state.cursor;
    expect(fail(json)).toContain('state.cursor is missing');
    const scale = JSON.parse(encodeModel(model));
    scale.data.targetStandardization.std = [0];
    expect(fail(scale)).toContain('data.targetStandardization.std must hold positive numbers only');
  });

  it('refuses a step above the maximum the kernel can count to, naming step and the maximum', () => {
    const json = JSON.parse(encodeModel(model));
    json.step = LIMITS.maxStepCount;
    expect(decodeModel(JSON.stringify(json)).step).toBe(2147483647);
    json.step = LIMITS.maxStepCount + 1;
    expect(fail(json)).toBe('step must be an integer from 0 to 2147483647, got 2147483648');
  });

  it('cuts echoed names and values, and stops listing after a few', () => {
    const long = 'w'.repeat(300);
    const json = JSON.parse(encodeModel(model));
    json.format = long;
    expect(fail(json)).toBe(
      `format must be "neural-journey/model@2" (or "neural-journey/model@1"), got "${'w'.repeat(60)}…"`,
    );
    json.format = 'neural-journey/model@1';
    json.params[long] = { shape: [1], values: [1, 2] };
    for (let i = 0; i < 40; i++) json[`extra${i}${long}`] = 1;
    const message = fail(json);
    expect(message).toContain(
      `params["${'w'.repeat(60)}…"] holds 2 values but its shape [1] needs 1`,
    );
    expect(message).toContain(`extra0${'w'.repeat(54)}… is not a known field`);
    expect(message).toContain('model has 35 more unknown fields');
    expect(message).not.toContain('w'.repeat(61));
  });

  it('refuses text longer than the model-file limit before parsing it', () => {
    expect(fail(' '.repeat(LIMITS.maxModelFileBytes + 1))).toBe(
      `the model file is ${LIMITS.maxModelFileBytes + 1} bytes; the limit is ${LIMITS.maxModelFileBytes} bytes (122.1 MiB)`,
    );
  });
});

describe('model files continue a run', () => {
  it('300 steps through a file (base64 and numbers), then 300 more, equal 600 in one go', async () => {
    const module = await loadKernelModule();
    const data = makeDataset('spiral', { module, seed: 2 });
    const spec = {
      layers: [
        { type: 'dense', units: 16, activation: 'tanh' },
        { type: 'dropout', rate: 0.25 },
        { type: 'dense', units: 3 },
      ],
    };
    const options = { optimizer: 'adamw', lr: 0.02 };
    const whole = new Learner(module, spec, data, options, 6);
    whole.step(600);
    const a = new Learner(module, spec, data, options, 6);
    a.step(300);
    for (const encoding of ['base64', 'numbers'] as const) {
      const text = encodeModel(
        {
          spec: a.network.spec,
          optimizer: a.options,
          step: a.stepCount,
          params: a.stateDict(),
          state: a.trainingState(),
        },
        encoding,
      );
      const model = decodeModel(text);
      const b = new Learner(module, model.spec, data, model.optimizer, 6);
      b.loadStateDict(model.params, model.step);
      b.loadTrainingState(model.state!);
      b.step(300);
      expect(await b.weightsHash()).toBe(await whole.weightsHash());
    }
  });
});

describe('model files, format 2: buffers', () => {
  const bnSpec = {
    layers: [
      { type: 'dense', units: 4 },
      { type: 'batchnorm' },
      { type: 'activation', activation: 'relu' },
      { type: 'dense', units: 1 },
    ],
  };

  it('carry the running statistics under PyTorch names, int32 batch counts included', async () => {
    const module = await loadKernelModule();
    const data = makeDataset('xor', { module, seed: 2 });
    const learner = new Learner(module, bnSpec, data, { batch: 8 }, 3);
    expect(learner.bufferDict().map((b) => [b.name, b.shape])).toEqual([
      ['1.running_mean', [4]],
      ['1.running_var', [4]],
      ['1.num_batches_tracked', []],
    ]);
    const buffers = [
      { name: '1.running_mean', shape: [4], values: new Float32Array([0.5, -1, 2, 0]) },
      { name: '1.running_var', shape: [4], values: new Float32Array([1, 2, 0.25, 3]) },
      { name: '1.num_batches_tracked', shape: [], values: new Int32Array([17]) },
    ];
    for (const encoding of ['base64', 'numbers'] as const) {
      const text = encodeModel(
        {
          spec: bnSpec as never,
          optimizer: DEFAULT_OPTIONS,
          step: 17,
          params: learner.stateDict(),
          buffers,
        },
        encoding,
      );
      expect(JSON.parse(text).format).toBe('neural-journey/model@2');
      const back = decodeModel(text);
      expect(back.buffers).toEqual(buffers);
      const other = new Learner(module, bnSpec, data, { batch: 8 }, 4);
      other.loadStateDict(back.params, back.step, back.buffers);
      expect(other.bufferDict()).toEqual(buffers);
    }
  });

  it('are refused when one is missing, misshapen, negative or foreign, naming it', async () => {
    const module = await loadKernelModule();
    const data = makeDataset('xor', { module, seed: 2 });
    const learner = new Learner(module, bnSpec, data, { batch: 8 }, 3);
    const good = learner.bufferDict();
    const refuse = (buffers: typeof good): string => {
      try {
        learner.loadStateDict(learner.stateDict(), 0, buffers);
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refuse(good)).toBe('accepted');
    expect(refuse(good.slice(1))).toMatch(/buffers lack "1.running_mean" \(shape \[4\]\)/);
    expect(
      refuse([{ ...good[0]!, shape: [5], values: new Float32Array(5) }, ...good.slice(1)]),
    ).toMatch(/buffers\["1.running_mean"\] must have shape \[4\], got \[5\]/);
    expect(
      refuse([good[0]!, { ...good[1]!, values: new Float32Array([1, -1, 1, 1]) }, good[2]!]),
    ).toMatch(/buffers\["1.running_var"\] value 1 must be a finite number ≥ 0, got -1/);
    expect(refuse([good[0]!, good[1]!, { ...good[2]!, values: new Float32Array([1.5]) }])).toMatch(
      /buffers\["1.num_batches_tracked"\] value 0 must be an integer ≥ 0, got 1.5/,
    );
    expect(
      refuse([...good, { name: '7.running_mean', shape: [1], values: new Float32Array(1) }]),
    ).toMatch(/buffers\["7.running_mean"\] is not a buffer of this network/);
  });

  it('format 1 files still load, and may not carry buffers', () => {
    const old = {
      format: 'neural-journey/model@1',
      spec: { inputs: 2, layers: [{ type: 'dense', units: 1 }], loss: 'bce' },
      optimizer: { optimizer: 'sgd', lr: 0.1 },
      step: 3,
      params: {
        '0.weight': { shape: [1, 2], values: [0.5, -0.25] },
        '0.bias': { shape: [1], values: [0.1] },
      },
    };
    const back = decodeModel(JSON.stringify(old));
    expect(back.params.map((p) => p.name)).toEqual(['0.weight', '0.bias']);
    expect(back.buffers).toBeUndefined();
    expect(() => decodeModel(JSON.stringify({ ...old, buffers: {} }))).toThrow(
      /buffers is not a known field/,
    );
  });
});
