/**
 * `maxpool2d` and `avgpool2d` (PyTorch `nn.MaxPool2d`/`nn.AvgPool2d`): a K×K window slides with
 * stride S (K by default) and keeps the largest value or the mean (zero padding counted, as
 * torch's `count_include_pad=True`). Rows and columns the last window does not reach are left
 * out, as torch's `ceil_mode=False`. No parameters: they shrink the map and keep what matters.
 */
import { slide2d } from './conv2d.js';
import type { LayerDef, OpDef } from './types.js';

export interface PoolLayer {
  type: 'maxpool2d' | 'avgpool2d';
  size: number;
  stride?: number;
  padding?: number;
}

export interface PoolAttrs {
  size: number;
  stride: number;
  padding: number;
}

function poolOp(name: 'maxpool2d' | 'avgpool2d'): OpDef<PoolAttrs> {
  const torch = name === 'maxpool2d' ? 'nn.MaxPool2d' : 'nn.AvgPool2d';
  return {
    name,
    infer: ([input], a) => {
      const hw = slide2d(input!, a.size, a.stride, a.padding, 'window', false);
      return typeof hw === 'string' ? hw : [input![0]!, ...hw];
    },
    saved:
      name === 'maxpool2d'
        ? (_a, _in, out) => [{ name: 'arg', shape: [...out], dtype: 'i32' }]
        : undefined,
    macs: () => 0,
    torch: (a) =>
      `${torch}(kernel_size=${a.size}` +
      (a.stride !== a.size ? `, stride=${a.stride}` : '') +
      (a.padding ? `, padding=${a.padding}` : '') +
      ')',
    recordKind: name,
    record: (a, [C, H, W], _out, at) => ({
      values: {
        out: at.out,
        ...(name === 'maxpool2d' ? { arg: at.saved('arg') } : {}),
        inp: at.inp(),
        dout: at.dout,
        dinp: at.dinp(),
        C: C!,
        H: H!,
        W: W!,
        K: a.size,
        S: a.stride,
        P: a.padding,
      },
    }),
  };
}

export const maxpool2dOp = poolOp('maxpool2d');
export const avgpool2dOp = poolOp('avgpool2d');

function poolLayer(type: 'maxpool2d' | 'avgpool2d', label: string, keeps: string): LayerDef {
  return {
    type,
    label,
    short: type === 'maxpool2d' ? 'Max pool' : 'Avg pool',
    primary: 'size',
    blurb: `${label.toLowerCase()}: keeps the ${keeps} of each small window, shrinking the map`,
    example: { type, size: 2 },
    fields: {
      size: {
        kind: 'int',
        min: 1,
        max: 8,
        required: true,
        label: 'window',
        steps: [2, 3, 4],
        square: true,
      },
      stride: { kind: 'int', min: 1, max: 8, label: 'stride', steps: [1, 2, 3, 4] },
      padding: { kind: 'int', min: 0, max: 4, label: 'padding', steps: [0, 1, 2] },
    },
    check(layer, path, issue) {
      const k = layer['size'] as number;
      const p = (layer['padding'] as number | undefined) ?? 0;
      if (2 * p > k) issue(`${path}.padding`, `may be at most half the window (${k}), got ${p}`);
    },
    build(layer, index, b) {
      const l = layer as unknown as PoolLayer;
      const attrs: PoolAttrs = {
        size: l.size,
        stride: l.stride ?? l.size,
        padding: l.padding ?? 0,
      };
      b.node(type, attrs, index, `layers[${index}]`);
    },
  };
}

export const maxpool2dLayer = poolLayer('maxpool2d', 'Max pooling', 'largest value');
export const avgpool2dLayer = poolLayer('avgpool2d', 'Average pooling', 'mean');
