/**
 * TensorFlow Playground's feature inputs on the workbench, one chip each (x₁, x₂, x₁², x₂², x₁x₂,
 * sin x₁, sin x₂): what the first layer reads. Picking them writes `spec.features`; x₁ and x₂
 * alone (the default) leave the field out, so plain networks keep plain links. At least one
 * input stays on.
 */
import type * as Phaser from 'phaser';
import { FEATURES, FEATURE_LABELS, type FeatureName, type ModelSpec } from '../../engine/spec.js';
import { Toggle } from '../ui/toggle.js';

/** What each feature input is, in words, for its chip's tooltip. */
const FEATURE_WORDS: Record<FeatureName, string> = {
  x1: 'the first coordinate',
  x2: 'the second coordinate',
  x1x1: 'the first coordinate squared',
  x2x2: 'the second coordinate squared',
  x1x2: 'the two coordinates multiplied',
  sinx1: 'the sine of the first coordinate',
  sinx2: 'the sine of the second coordinate',
};

export interface FeatureChipsOptions {
  x: number;
  y: number;
  /** Edited in place. */
  spec: ModelSpec;
  locked: boolean;
  onChange: () => void;
}

/** Builds the row of chips; returns its right edge. */
export function buildFeatureChips(scene: Phaser.Scene, o: FeatureChipsOptions): number {
  const on = new Set<FeatureName>(o.spec.features ?? ['x1', 'x2']);
  let x = o.x;
  for (const f of FEATURES) {
    const chip = new Toggle(scene, {
      x,
      y: o.y,
      label: FEATURE_LABELS[f],
      value: on.has(f),
      chip: true,
      locked: o.locked,
      tooltip: `Feed the network ${FEATURE_LABELS[f]} (${FEATURE_WORDS[f]}). Hand-made inputs like this were the old way, before deep learning, to let one neuron draw a curved boundary`,
      onChange: (next) => {
        if (!next && on.size === 1) return false;
        if (next) on.add(f);
        else on.delete(f);
        const list = FEATURES.filter((g) => on.has(g));
        if (list.length === 2 && list[0] === 'x1' && list[1] === 'x2') delete o.spec.features;
        else o.spec.features = list;
        o.onChange();
        return true;
      },
    });
    x += chip.width + 5;
  }
  return x;
}
