/**
 * A generic workbench block's fields, as pure functions: the next value of a stepped field, the
 * chip that shows each field, the block's title. A generic block is any layer type of the op
 * registry without controls of its own (convolution, pooling, batch norm, flatten …).
 */
import { LAYERS, type FieldDef } from '../../engine/ops/index.js';
import type { Activation, LayerSpec } from '../../engine/spec.js';
import { DROPOUT_MAX, DROPOUT_STEP, UNIT_STEPS } from '../../levels/rules.js';

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

/**
 * Moves a field of `layer` (in place) to the next (or previous) of its steps: clamped at the
 * ends for −/+, wrapping around for a chip's click. A yes/no field toggles. False when the
 * field has no steps (nothing changed).
 */
export function stepField(
  layer: LayerSpec,
  name: string,
  delta: -1 | 1,
  wrap: boolean,
  maxUnits = Infinity,
): boolean {
  const l = layer as unknown as Record<string, unknown>;
  const field = LAYERS[layer.type].fields[name]!;
  if (field.kind === 'bool') {
    l[name] = !boolOf(layer, name);
  } else if (field.kind === 'number' && typeof l[name] === 'number') {
    // A rate set by a link or a spec (attention dropout): its chip switches it off.
    delete l[name];
  } else if (field.kind === 'int' && field.steps) {
    const value = (l[name] as number | undefined) ?? defaultOf(layer, name);
    l[name] = nextStep(stepsOf(layer, name, maxUnits), value, delta, wrap);
  } else return false;
  return true;
}

/** A yes/no field's value: the layer's own, or the registry's default (true when it has none). */
export function boolOf(layer: LayerSpec, name: string): boolean {
  const field = LAYERS[layer.type].fields[name];
  const own = (layer as unknown as Record<string, unknown>)[name];
  if (typeof own === 'boolean') return own;
  return field?.kind === 'bool' ? (field.default ?? true) : true;
}

/**
 * The steps of an integer field the workbench offers: its declared steps, and for the field that
 * sets the output's width (`widthField`: a recurrent layer's hidden size, an embedding's size)
 * only those within the level's `maxUnits`, as for a dense layer's units.
 */
export function stepsOf(layer: LayerSpec, name: string, maxUnits = Infinity): readonly number[] {
  const def = LAYERS[layer.type];
  const field = def.fields[name];
  if (field?.kind !== 'int' || !field.steps) return [];
  if (name !== def.widthField) return field.steps;
  const within = field.steps.filter((v) => v <= maxUnits);
  return within.length ? within : field.steps.slice(0, 1);
}

/**
 * −/+ on a block (in place): a dense layer's units (within `maxUnits`), a dropout's rate in its
 * steps, or a generic block's primary field. False when the block has no size.
 */
export function resize(layer: LayerSpec, delta: -1 | 1, maxUnits: number): boolean {
  if (layer.type === 'dense') {
    layer.units = Math.min(nextStep(UNIT_STEPS, layer.units, delta, false), maxUnits);
  } else if (layer.type === 'dropout') {
    const rate = Math.min(DROPOUT_MAX, Math.max(DROPOUT_STEP, layer.rate + delta * DROPOUT_STEP));
    layer.rate = Math.round(rate * 100) / 100;
  } else {
    const primary = LAYERS[layer.type].primary;
    return primary !== undefined && stepField(layer, primary, delta, false, maxUnits);
  }
  return true;
}

/** The activation after the layer's own in `cycle` (none first), or null: it has none to cycle. */
export function nextActivation(
  layer: LayerSpec,
  cycle: readonly (Activation | undefined)[],
): Activation | undefined | null {
  if (layer.type !== 'dense' && layer.type !== 'conv2d') return null;
  const i = cycle.indexOf(layer.activation === 'identity' ? undefined : layer.activation);
  return cycle[(i + 1) % cycle.length];
}

/**
 * A block's title: "Dense 8 · relu", "Dense 35 · no activation · tied" (a head sharing the
 * embedding's table), "Dropout 20%", "Activation · tanh", or the registry's.
 */
export function blockTitle(l: LayerSpec): string {
  if (l.type === 'dense') {
    const act =
      l.activation && l.activation !== 'identity' ? ` · ${l.activation}` : ' · no activation';
    return `Dense ${l.units}${act}${l.tied ? ' · tied' : ''}`;
  }
  if (l.type === 'dropout') return `Dropout ${Math.round(l.rate * 100)}%`;
  if (l.type === 'activation') return `Activation · ${l.activation}`;
  return genericTitle(l);
}

/** One chip of a generic block: the field it shows, its words and its tooltip. */
export interface ChipLabel {
  name: string;
  text: string;
  tip: string;
}

/**
 * The chips of a generic block, its primary field first: "8 filters", "3×3", "stride 1", "pad
 * 1", "ƒ relu"; a yes/no field only when it is off ("no bias"). `cycle` is the activations A
 * steps through, or null when the block cannot change its activation (then "ƒ relu" only says
 * what it has).
 */
export function chipLabels(
  layer: LayerSpec,
  cycle: readonly (Activation | undefined)[] | null,
  maxUnits = Infinity,
): ChipLabel[] {
  const def = LAYERS[layer.type];
  const l = layer as unknown as Record<string, unknown>;
  const names = Object.keys(def.fields).sort(
    (a, b) => Number(b === def.primary) - Number(a === def.primary),
  );
  const out: ChipLabel[] = [];
  for (const name of names) {
    const field = def.fields[name]!;
    if (name === 'activation') {
      const fn = l[name];
      const has = fn !== undefined && fn !== 'identity';
      if (!cycle && !has) continue;
      out.push({
        name,
        text: `ƒ ${has ? String(fn) : 'none'}`,
        tip: cycle
          ? `Activation: click (or A) for the next (${cycle.map((f) => f ?? 'none').join(', ')})`
          : `Activation ${String(fn)}, kept by this level`,
      });
    } else if (field.kind === 'bool' && field.off !== undefined) {
      // A switch with a word for each side ("every step" / "last step"): always shown.
      const on = boolOf(layer, name);
      out.push({
        name,
        text: on ? field.label : field.off,
        tip: `${capitalise(on ? field.label : field.off)}: click to switch to ${on ? field.off : field.label}`,
      });
    } else if (field.kind === 'number') {
      const value = l[name];
      if (typeof value !== 'number' || value === 0) continue;
      out.push({
        name,
        text: `${field.label} ${Math.round(value * 100)}%`,
        tip: `${capitalise(field.label)} ${Math.round(value * 100)}%: click to switch it off`,
      });
    } else if (field.kind === 'bool' && field.chipWhenOn) {
      if (!boolOf(layer, name)) continue;
      out.push({
        name,
        text: field.label,
        tip: `${capitalise(field.label)}: click to switch it off`,
      });
    } else if (field.kind === 'bool') {
      if (boolOf(layer, name)) continue;
      out.push({
        name,
        text: `no ${field.label}`,
        tip: `No ${field.label}: click (or B) to add it back`,
      });
    } else if (field.kind === 'int' && field.steps) {
      const value = (l[name] as number | undefined) ?? defaultOf(layer, name);
      const primary = name === def.primary;
      const steps = stepsOf(layer, name, maxUnits);
      out.push({
        name,
        // A count of things reads number first ("8 filters"), a size after its name ("hidden size 16").
        text:
          primary && !field.square && field.label.endsWith('s')
            ? `${value} ${field.label}`
            : chipText(field, value),
        tip: `${capitalise(field.label)} ${field.square ? `${value}×${value}` : value}: click for the next (${steps.join(', ')})${primary ? ', or ←/→' : ''}`,
      });
    }
  }
  return out;
}
