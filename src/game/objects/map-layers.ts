/**
 * What the image training view draws for a network, read from its spec and the learner's layer
 * summary: a row of feature maps for every convolution and pooling layer (the tensor after the
 * layer's activation, its shape, and the windows up to it for the receptive field), and which
 * weights to show as filter images — the first convolution's, or, for a network without one
 * whose first dense layer reads the raw image, that layer's units over the image. No Phaser
 * here: the unit tests call it directly.
 */
import type { LayerSpec, LayerSummary } from '../../engine/spec.js';
import { windowsThrough, type SlidingWindow } from './receptive-field.js';

/** One row of maps: a layer's output tensor, its shape [C, H, W] and the windows up to it. */
export interface MapLayer {
  label: string;
  tensor: string;
  shape: [number, number, number];
  windows: SlidingWindow[];
}

/** The weights drawn as filter tiles: tensor [count, channels, rows, cols] and its words. */
export interface FilterWeights {
  tensor: string;
  count: number;
  channels: number;
  rows: number;
  cols: number;
  /** The panel's heading and what the tiles are (for the tooltip). */
  title: string;
  what: string;
}

/** Layers that keep the image as it is laid out, so a dense layer after them reads pixels. */
const PASS_THROUGH = new Set(['flatten', 'dropout', 'activation', 'batchnorm']);

/** A short name of a conv or pool layer: "conv 3×3 stride 2 + relu", "max pool 2×2". */
function describe(layer: LayerSpec): string | null {
  if (layer.type === 'conv2d') {
    const act = layer.activation && layer.activation !== 'identity' ? ` + ${layer.activation}` : '';
    const stride = (layer.stride ?? 1) > 1 ? ` stride ${layer.stride}` : '';
    return `conv ${layer.kernel}×${layer.kernel}${stride}${act}`;
  }
  if (layer.type === 'maxpool2d' || layer.type === 'avgpool2d') {
    const kind = layer.type === 'maxpool2d' ? 'max pool' : 'average pool';
    const stride = (layer.stride ?? layer.size) !== layer.size ? ` stride ${layer.stride}` : '';
    return `${kind} ${layer.size}×${layer.size}${stride}`;
  }
  return null;
}

/**
 * The feature-map rows: every conv and pool layer whose last module's output can be probed
 * (`tensors` names them), numbered as the spec's layers are.
 */
export function mapLayers(
  layers: readonly LayerSpec[],
  summary: readonly LayerSummary[],
  tensors: ReadonlySet<string>,
): MapLayer[] {
  const out: MapLayer[] = [];
  layers.forEach((layer, i) => {
    const what = describe(layer);
    if (!what) return;
    const last = summary.filter((r) => r.layer === i && tensors.has(`${r.module}.out`)).at(-1);
    if (!last || last.outputShape.length !== 3) return;
    out.push({
      label: `${i + 1}. ${what}`,
      tensor: `${last.module}.out`,
      shape: last.outputShape as [number, number, number],
      windows: windowsThrough(layers, i),
    });
  });
  return out;
}

/**
 * The weights to draw as images, or null: the first conv's filters [OC, C, K, K] (`shapes`
 * gives a tensor's shape by name), else the first dense layer's [units, C·H·W] when nothing but
 * flatten, dropout, activations and batch norm comes before it.
 */
export function filterWeights(
  layers: readonly LayerSpec[],
  summary: readonly LayerSummary[],
  shapes: ReadonlyMap<string, readonly number[]>,
  image: { channels: number; height: number; width: number },
): FilterWeights | null {
  const conv = summary.find((r) => r.kind === 'conv2d');
  if (conv) {
    const layer = layers[conv.layer];
    const k = layer?.type === 'conv2d' ? layer.kernel : 1;
    const tensor = `${conv.module}.weight`;
    const count = conv.outputShape[0] ?? 1;
    return {
      tensor,
      count,
      channels: shapes.get(tensor)?.[1] ?? 1,
      rows: k,
      cols: k,
      title: `First convolution: ${count} filters, ${k}×${k}`,
      what: `The first convolution's ${k}×${k} filters`,
    };
  }
  const dense = summary.find((r) => r.kind === 'dense');
  if (!dense || !summary.every((r) => r.module >= dense.module || PASS_THROUGH.has(r.kind)))
    return null;
  const count = dense.outputShape[0] ?? 1;
  return {
    tensor: `${dense.module}.weight`,
    count,
    channels: image.channels,
    rows: image.height,
    cols: image.width,
    title: `First dense layer: ${count} units’ weights`,
    what: 'Each unit’s weights over the image',
  };
}
