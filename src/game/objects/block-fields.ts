/**
 * A generic workbench block's fields, as pure functions: the next value of a stepped field, the
 * chip that shows each field, the block's title. A generic block is any layer type of the op
 * registry without controls of its own (convolution, pooling, batch norm, flatten …).
 */
import { LAYERS, type FieldDef } from '../../engine/ops/index.js';
import type { LayerSpec } from '../../engine/spec.js';

/**
 * The step after (delta 1) or before (−1) `value` in `steps`: clamped at the ends, or wrapping
 * around when `wrap`. A value between two steps moves to the nearer one in that direction.
 */
export function nextStep(
  steps: readonly number[],
  value: number,
  delta: -1 | 1,
  wrap: boolean,
): number {
  const i = steps.findIndex((v) => v >= value);
  const at = i < 0 ? steps.length - 1 : steps[i] === value ? i : delta > 0 ? i - 1 : i;
  const next = wrap
    ? (at + delta + steps.length) % steps.length
    : Math.min(steps.length - 1, Math.max(0, at + delta));
  return steps[next]!;
}

/** A field's value when the layer leaves it out: the spec's defaults (stride = window for pools). */
export function defaultOf(layer: LayerSpec, name: string): number {
  const l = layer as unknown as Record<string, unknown>;
  if (name === 'stride') return (l['size'] as number | undefined) ?? 1;
  return 0;
}

export function chipText(field: FieldDef, value: unknown): string {
  if (field.kind === 'int' && field.square) return `${String(value)}×${String(value)}`;
  // "pad 1" keeps a conv block's chips within its width; the tooltip says "Padding".
  return `${field.label === 'padding' ? 'pad' : field.label} ${String(value)}`;
}

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The block's name: the registry's short one ("Conv", "Max pool", "Batch norm"). */
export function genericTitle(layer: LayerSpec): string {
  const def = LAYERS[layer.type];
  return def.short ?? def.label;
}
