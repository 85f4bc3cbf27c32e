/**
 * Small heatmaps, one per neuron of the first hidden layer: what each unit "sees" over the input
 * plane (from `trainer.probe` on the same grid as the decision boundary). Diverging blue–orange,
 * scaled per neuron so a quiet unit is still readable; the scale's extreme is written under it.
 */
import * as Phaser from 'phaser';
import { CSS, TEXT, diverging, textStyle } from '../theme.js';
import { Heatmap } from './heatmap.js';

export interface NeuronMapsOptions {
  x: number;
  y: number;
  /** Width of the area to tile. */
  width: number;
  /** How many neurons (at most `max` are drawn; the rest are counted in a note). */
  count: number;
  resolution: number;
  max?: number;
}

export class NeuronMaps {
  private readonly maps: Heatmap[] = [];
  private readonly notes: Phaser.GameObjects.Text[] = [];
  /** Height the tiles take, so the scene can lay out what comes below. */
  readonly height: number;

  constructor(
    scene: Phaser.Scene,
    private readonly o: NeuronMapsOptions,
  ) {
    const shown = Math.min(o.count, o.max ?? 16);
    const perRow = Math.min(shown, 8);
    const gap = 6;
    const size = Math.floor((o.width - gap * (perRow - 1)) / Math.max(perRow, 1));
    const side = Math.min(size, 64);
    for (let i = 0; i < shown; i++) {
      const col = i % perRow;
      const row = Math.floor(i / perRow);
      this.maps.push(
        new Heatmap(scene, {
          x: o.x + col * (side + gap),
          y: o.y + row * (side + gap),
          size: side,
          resolution: o.resolution,
        }),
      );
    }
    const rows = Math.ceil(shown / perRow);
    this.height = rows * (side + gap);
    if (o.count > shown) {
      this.notes.push(
        scene.add.text(
          o.x,
          o.y + this.height,
          `+${o.count - shown} more neurons not drawn`,
          textStyle(TEXT.small, CSS.textDim),
        ),
      );
      this.height += 20;
    }
  }

  /** Paints every map from `acts` [resolution², count] (row-major grid, neuron-minor). */
  update(acts: Float32Array): void {
    const n = this.o.resolution;
    const count = this.o.count;
    this.maps.forEach((map, k) => {
      let peak = 1e-6;
      for (let i = 0; i < n * n; i++) peak = Math.max(peak, Math.abs(acts[i * count + k]!));
      map.fill((r, c) => diverging(acts[(r * n + c) * count + k]! / peak));
    });
  }

  destroy(): void {
    for (const m of this.maps) m.destroy();
    for (const t of this.notes) t.destroy();
  }
}
