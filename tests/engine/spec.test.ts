import { describe, expect, it } from 'vitest';
import {
  FEATURE_LABELS,
  FEATURES,
  buildNetwork,
  parseSpec,
  SpecError,
} from '../../src/engine/spec.js';
import { parseOptions } from '../../src/engine/options.js';

const xor = {
  layers: [
    { type: 'dense', units: 4, activation: 'tanh' },
    { type: 'dense', units: 1 },
  ],
};
const binary2 = { inputs: 2, outputs: 1, task: 'binary' as const, dataName: 'xor' };

function messages(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    return [...(error as SpecError).issues];
  }
  throw new Error('expected a SpecError');
}

describe('parseSpec', () => {
  it('accepts a valid spec and copies it', () => {
    const spec = parseSpec(xor);
    expect(spec).toEqual(xor);
    expect(spec).not.toBe(xor);
  });

  it('names the path and the allowed range', () => {
    const bad = {
      layers: [
        { type: 'dense', units: 4 },
        { type: 'dense', units: 1 },
        { type: 'dense', units: 0 },
      ],
    };
    expect(messages(() => parseSpec(bad))).toEqual([
      'layers[2].units must be an integer from 1 to 4096, got 0',
    ]);
  });

  it('reports every problem at once, including unknown keys and wrong types', () => {
    const bad = {
      layer: [],
      layers: [
        { type: 'dense', units: 2.5, activation: 'swish' },
        { type: 'dropout', rate: 1 },
        { type: 'conv' },
        'dense',
      ],
      loss: 'hinge',
    };
    const found = messages(() => parseSpec(bad));
    expect(found).toContain('layer is not a known field (known: inputs, features, layers, loss)');
    expect(found).toContain('loss must be one of mse, bce, cce, got "hinge"');
    expect(found).toContain('layers[0].units must be an integer from 1 to 4096, got 2.5');
    expect(found).toContain(
      'layers[0].activation must be one of identity, relu, leaky_relu, sigmoid, tanh, softmax, gelu, got "swish"',
    );
    expect(found).toContain(
      'layers[1].rate must be a number from 0 up to (not including) 1, got 1',
    );
    expect(found).toContain(
      'layers[2].type must be one of dense, activation, dropout, conv2d, maxpool2d, avgpool2d, batchnorm, flatten, add, embedding, onehot, rnn, lstm, gru, layernorm, posenc, transformer, got "conv"',
    );
    expect(found[found.length - 1]).toMatch(/^layers\[3\] must be an object/);
  });

  it('refuses NaN, empty and absurd specs', () => {
    expect(messages(() => parseSpec({ layers: [{ type: 'dense', units: NaN }] }))[0]).toMatch(
      /got NaN/,
    );
    expect(messages(() => parseSpec({ layers: [] }))[0]).toMatch(/layers must be a non-empty list/);
    expect(messages(() => parseSpec(null))[0]).toMatch(/^spec must be an object/);
    const many = { layers: Array.from({ length: 65 }, () => ({ type: 'dense', units: 1 })) };
    expect(messages(() => parseSpec(many))[0]).toBe('layers may hold at most 64 layers, got 65');
  });
});

describe('buildNetwork', () => {
  it('desugars dense+activation into PyTorch module indices and counts parameters', () => {
    const net = buildNetwork(parseSpec(xor), binary2);
    expect(net.graph.nodes.map((o) => [o.op, o.module])).toEqual([
      ['dense', 0],
      ['activation', 1],
      ['dense', 2],
    ]);
    expect(net.summary.map((s) => s.formula)).toEqual(['2×4 + 4 = 12', '0', '4×1 + 1 = 5']);
    expect(net.totalParams).toBe(17);
    expect(net.spec.loss).toBe('bce');
    expect(net.spec.inputs).toBe(2);
  });

  it('folds a final sigmoid into BCE and a final softmax into CCE', () => {
    const withSigmoid = {
      layers: [
        { type: 'dense', units: 4, activation: 'relu' },
        { type: 'dense', units: 1, activation: 'sigmoid' },
      ],
    };
    const net = buildNetwork(parseSpec(withSigmoid), binary2);
    expect(net.graph.nodes[net.graph.nodes.length - 1]!.op).toBe('dense');
    const iris = { inputs: 4, outputs: 3, task: 'multiclass' as const, dataName: 'iris' };
    const soft = buildNetwork(
      parseSpec({ layers: [{ type: 'dense', units: 3, activation: 'softmax' }] }),
      iris,
    );
    expect(soft.graph.nodes).toHaveLength(1);
    expect(soft.spec.loss).toBe('cce');
  });

  it("explains mismatches with the data in the player's words", () => {
    const iris = { inputs: 4, outputs: 3, task: 'multiclass' as const, dataName: 'iris' };
    expect(
      messages(() => buildNetwork(parseSpec({ layers: [{ type: 'dense', units: 1 }] }), iris)),
    ).toEqual(['layers[0].units must be 3 to match the 3 classes of iris, got 1']);
    expect(
      messages(() =>
        buildNetwork(parseSpec({ inputs: 3, layers: [{ type: 'dense', units: 1 }] }), binary2),
      ),
    ).toEqual(['inputs must be 2 to match the 2 features of xor, got 3']);
    const reluLast = { layers: [{ type: 'dense', units: 1, activation: 'relu' }] };
    expect(messages(() => buildNetwork(parseSpec(reluLast), binary2))[0]).toMatch(
      /^layers\[0\]\.activation must be sigmoid or none on the last layer with the bce loss/,
    );
    const regression = { inputs: 1, outputs: 1, task: 'regression' as const };
    expect(
      messages(() =>
        buildNetwork(parseSpec({ layers: [{ type: 'dense', units: 1 }], loss: 'bce' }), regression),
      ),
    ).toEqual(['loss must be mse for a regression task, got "bce"']);
    const dropoutLast = {
      layers: [
        { type: 'dense', units: 1 },
        { type: 'dropout', rate: 0.5 },
      ],
    };
    expect(messages(() => buildNetwork(parseSpec(dropoutLast), binary2))[0]).toMatch(
      /layers\[1\] must not be dropout/,
    );
  });

  it('refuses a network over the parameter cap before any allocation', () => {
    const big = {
      layers: [
        { type: 'dense', units: 4096 },
        { type: 'dense', units: 4096 },
        { type: 'dense', units: 1 },
      ],
    };
    const found = messages(() => buildNetwork(parseSpec(big), binary2));
    expect(found[0]).toBe('layers hold 16797697 parameters; the limit is 4000000');
  });
});

describe('input features', () => {
  const linear = { layers: [{ type: 'dense', units: 1 }] };
  const FEATURE_LIST = 'x1, x2, x1x1, x2x2, x1x2, sinx1, sinx2';

  it('are listed with URL-safe ids and labels for display', () => {
    expect([...FEATURES]).toEqual(['x1', 'x2', 'x1x1', 'x2x2', 'x1x2', 'sinx1', 'sinx2']);
    for (const f of FEATURES) expect(f).toMatch(/^[a-z0-9]+$/);
    expect(FEATURES.map((f) => FEATURE_LABELS[f])).toEqual([
      'x₁',
      'x₂',
      'x₁²',
      'x₂²',
      'x₁x₂',
      'sin x₁',
      'sin x₂',
    ]);
  });

  it('are kept in the order written, and widen the first dense layer to their count', () => {
    const spec = parseSpec({ ...xor, features: ['sinx2', 'x1', 'x1x2'] });
    expect(spec.features).toEqual(['sinx2', 'x1', 'x1x2']);
    const net = buildNetwork(spec, binary2);
    expect(net.features).toEqual(['sinx2', 'x1', 'x1x2']);
    expect(net.spec.inputs).toBe(2);
    expect(net.graph.nodes[0]).toMatchObject({ op: 'features', module: -1 });
    expect(net.graph.nodes[1]).toMatchObject({ op: 'dense', module: 0, attrs: { units: 4 } });
    expect(net.graph.values[net.graph.nodes[1]!.inputs[0]!]!.shape).toEqual([3]);
    expect(net.summary.map((s) => s.formula)).toEqual(['3×4 + 4 = 16', '0', '4×1 + 1 = 5']);
    expect(net.totalParams).toBe(21);
    expect(buildNetwork(parseSpec(xor), binary2).features).toBeNull();
    // A first layer that is not dense still hands the features' width on.
    const act = buildNetwork(
      parseSpec({
        features: FEATURES,
        layers: [{ type: 'activation', activation: 'tanh' }, ...linear.layers],
      }),
      binary2,
    );
    const g = act.graph;
    expect(g.nodes.map((o) => [o.op, g.values[o.inputs[0]!]!.shape[0]])).toEqual([
      ['features', 2],
      ['activation', 7],
      ['dense', 7],
    ]);
  });

  it('refuses a bad name, a repeat, an empty list and other values, naming the path', () => {
    expect(messages(() => parseSpec({ ...linear, features: ['x1', 'x3', 'cosx1'] }))).toEqual([
      `features[1] must be one of ${FEATURE_LIST}, got "x3"`,
      `features[2] must be one of ${FEATURE_LIST}, got "cosx1"`,
    ]);
    expect(messages(() => parseSpec({ ...linear, features: ['x1', 'x2', 'x1'] }))).toEqual([
      'features[2] repeats "x1" (already features[0]): each feature may be listed once',
    ]);
    expect(messages(() => parseSpec({ ...linear, features: [] }))).toEqual([
      `features must be a non-empty list of feature names (${FEATURE_LIST}), got a list`,
    ]);
    expect(messages(() => parseSpec({ ...linear, features: 'x1' }))).toEqual([
      `features must be a non-empty list of feature names (${FEATURE_LIST}), got "x1"`,
    ]);
    expect(messages(() => parseSpec({ ...linear, features: [7] }))).toEqual([
      `features[0] must be one of ${FEATURE_LIST}, got 7`,
    ]);
    expect(messages(() => parseSpec({ ...linear, features: [...FEATURES, 'x1'] }))).toEqual([
      `features may hold at most 7 names (each of ${FEATURE_LIST} once), got 8`,
    ]);
    expect(parseSpec({ ...linear, features: [...FEATURES] }).features).toHaveLength(7);
  });

  it('need data with exactly two inputs', () => {
    const spec = parseSpec({ ...linear, features: ['x1x1'] });
    const line = { inputs: 1, outputs: 1, task: 'regression' as const, dataName: 'line' };
    expect(messages(() => buildNetwork(spec, line))).toEqual([
      'features needs data with 2 inputs (x1, x2); line has 1',
    ]);
    const iris = { inputs: 4, outputs: 3, task: 'multiclass' as const, dataName: 'iris' };
    const soft = parseSpec({ features: ['x1'], layers: [{ type: 'dense', units: 3 }] });
    expect(messages(() => buildNetwork(soft, iris))).toEqual([
      'features needs data with 2 inputs (x1, x2); iris has 4',
    ]);
    expect(
      messages(() => buildNetwork(spec, { inputs: 4, outputs: 1, task: 'regression' })),
    ).toEqual(['features needs data with 2 inputs (x1, x2); the data has 4']);
  });
});

describe('parseOptions', () => {
  it('fills defaults', () => {
    expect(parseOptions({ optimizer: 'sgd', lr: 0.1 })).toMatchObject({
      optimizer: 'sgd',
      lr: 0.1,
      batch: 32,
    });
  });
  it('names the field of a bad learning rate, batch, penalty or optimizer', () => {
    expect(messages(() => parseOptions({ lr: NaN }))).toEqual([
      'options.lr must be a number from 1e-7 to 10, got NaN',
    ]);
    expect(messages(() => parseOptions({ l1: -0.1 }))).toEqual([
      'options.l1 must be a number from 0 to 10, got -0.1',
    ]);
    expect(messages(() => parseOptions({ l1: NaN, l2: 11 }))).toEqual([
      'options.l2 must be a number from 0 to 10, got 11',
      'options.l1 must be a number from 0 to 10, got NaN',
    ]);
    expect(parseOptions({}).l1).toBe(0);
    expect(parseOptions({ l1: 0.01, l2: 0.02 })).toMatchObject({ l1: 0.01, l2: 0.02 });
    expect(messages(() => parseOptions({ batch: 0, optimizer: 'lbfgs', lrate: 1 }))).toEqual([
      'options.lrate is not a known field (known: optimizer, lr, batch, l2, l1, clip, momentum, nesterov, beta1, beta2, alpha, eps, weightDecay)',
      'options.optimizer must be one of sgd, momentum, rmsprop, adam, adamw, got "lbfgs"',
      'options.batch must be an integer from 1 to 4096, got 0',
    ]);
  });
});

describe('buildNetwork for images', () => {
  const digits = {
    inputs: 64,
    inputShape: [1, 8, 8],
    outputs: 10,
    task: 'multiclass' as const,
    dataName: 'digits',
  };
  const build = (layers: unknown[]) => buildNetwork(parseSpec({ layers }), digits);
  const fails = (layers: unknown[]) => messages(() => build(layers));

  it('infers [C, H, W] shapes, counts parameters with their formula and multiply-adds', () => {
    const net = build([
      { type: 'conv2d', filters: 8, kernel: 3, padding: 1, activation: 'relu' },
      { type: 'maxpool2d', size: 2 },
      { type: 'batchnorm' },
      { type: 'flatten' },
      { type: 'dense', units: 10 },
    ]);
    expect(net.summary.map((r) => [r.kind, r.outputShape, r.formula, r.macs])).toEqual([
      ['conv2d', [8, 8, 8], '8×1×3×3 + 8 = 80', 8 * 8 * 8 * 9],
      ['activation', [8, 8, 8], '0', 0],
      ['maxpool2d', [8, 4, 4], '0', 0],
      ['batchnorm', [8, 4, 4], '8 + 8 = 16', 128],
      ['flatten', [128], '0', 0],
      ['dense', [10], '128×10 + 10 = 1290', 1280],
    ]);
    expect(net.totalParams).toBe(80 + 16 + 1290);
    expect(net.totalMacs).toBe(4608 + 128 + 1280);
  });

  it('says in plain words why a filter, a window or a layer does not fit', () => {
    expect(
      fails([
        { type: 'conv2d', filters: 4, kernel: 5, stride: 2 },
        { type: 'flatten' },
        { type: 'dense', units: 10 },
      ]),
    ).toEqual([
      'layers[0] a 5×5 filter with stride 2 and no padding does not fit a 8×8 input: (8 − 5) / 2 + 1 = 2.5 is not whole',
    ]);
    expect(
      fails([
        { type: 'conv2d', filters: 4, kernel: 3, stride: 2, padding: 1 },
        { type: 'flatten' },
        { type: 'dense', units: 10 },
      ]),
    ).toEqual([
      'layers[0] a 3×3 filter with stride 2 and padding 1 does not fit a 8×8 input: (8 + 2×1 − 3) / 2 + 1 = 4.5 is not whole',
    ]);
    expect(
      fails([
        { type: 'maxpool2d', size: 2 },
        { type: 'maxpool2d', size: 2 },
        { type: 'maxpool2d', size: 2 },
        { type: 'maxpool2d', size: 2 },
        { type: 'flatten' },
        { type: 'dense', units: 10 },
      ]),
    ).toEqual(['layers[3] a 2×2 window does not fit a 1×1 input with no padding']);
    expect(fails([{ type: 'conv2d', filters: 4, kernel: 3, padding: 3 }])).toEqual([
      'layers[0].padding must be smaller than the kernel size 3, got 3',
    ]);
    expect(fails([{ type: 'dense', units: 10 }])).toEqual([
      'layers[0] needs a flat input, got [1, 8, 8]: put a flatten layer before it',
    ]);
    expect(fails([{ type: 'conv2d', filters: 10, kernel: 8 }])).toEqual([
      'layers[0] ends on a [10, 1, 1] image; flatten it and end with a dense layer of 10 units to match the 10 classes of digits',
    ]);
    expect(
      fails([
        { type: 'conv2d', filters: 2, kernel: 3, padding: 1 },
        { type: 'add', from: 3 },
        { type: 'flatten' },
        { type: 'dense', units: 10 },
      ]),
    ).toEqual(['layers[1].from must be the index of an earlier layer (0 to 0), got 3']);
    expect(
      fails([
        { type: 'conv2d', filters: 2, kernel: 3, padding: 1 },
        { type: 'conv2d', filters: 3, kernel: 3, padding: 1 },
        { type: 'add', from: 0 },
        { type: 'flatten' },
        { type: 'dense', units: 10 },
      ]),
    ).toEqual([
      "layers[2] adds layers[0]'s output [2, 8, 8] to a value of shape [3, 8, 8]: the shapes must be the same",
    ]);
    const iris = { inputs: 4, outputs: 3, task: 'multiclass' as const, dataName: 'iris' };
    expect(
      messages(() =>
        buildNetwork(parseSpec({ layers: [{ type: 'conv2d', filters: 2, kernel: 1 }] }), iris),
      ),
    ).toEqual(['layers[0] needs an image input [channels, height, width], got [4]']);
  });

  it("validates the new layers' fields from the registry", () => {
    expect(
      messages(() =>
        parseSpec({
          layers: [
            { type: 'conv2d', filters: 0, kernel: 3, bias: 'yes' },
            { type: 'maxpool2d' },
            { type: 'batchnorm', eps: 1 },
          ],
        }),
      ),
    ).toEqual([
      'layers[0].filters must be an integer from 1 to 256, got 0',
      'layers[0].bias must be true or false, got "yes"',
      'layers[1].size must be an integer from 1 to 8, got nothing',
      'layers[2].eps is not a known field (known: type)',
    ]);
  });
});

describe('the multiply-add cap', () => {
  it('refuses a network whose forward pass is too heavy, with the count and what helps', () => {
    const fashion = {
      inputs: 784,
      inputShape: [1, 28, 28],
      outputs: 10,
      task: 'multiclass' as const,
    };
    const heavy = {
      layers: [
        { type: 'conv2d', filters: 64, kernel: 3, padding: 1 },
        { type: 'conv2d', filters: 64, kernel: 3, padding: 1 },
        { type: 'flatten' },
        { type: 'dense', units: 10 },
      ],
    };
    const macs = 64 * 784 * 9 + 64 * 784 * 64 * 9 + 64 * 784 * 10;
    expect(messages(() => buildNetwork(parseSpec(heavy), fashion))).toEqual([
      `layers need ${macs} multiply-adds per example; the limit is 20000000 (fewer filters, a smaller kernel, a stride or pooling earlier)`,
    ]);
  });
});
