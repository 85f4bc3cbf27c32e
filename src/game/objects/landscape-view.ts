/**
 * A slice of the loss landscape around one lane's weights, as contour bands (viridis: brighter is
 * lower loss, on a log scale), with every lane's path on it in the lane's colour — along two
 * filter-normalised random directions (Li et al., 2018), or over the exact (weight, bias) plane
 * of a two-parameter network. Computed on request: it costs one loss evaluation per grid point.
 */
import type * as Phaser from 'phaser';
import type { Landscape } from '../../engine/race.js';
import { COLORS, CSS, TEXT, textStyle, viridis } from '../theme.js';
import { Button } from '../ui/button.js';
import { Heatmap } from './heatmap.js';
import { LANE_COLORS } from './lane-chart.js';

export interface LandscapeViewOptions {
  x: number;
  y: number;
  size: number;
  onCompute: () => void;
}

const log10 = (v: number): number => Math.log10(Math.max(v, 1e-12));

export class LandscapeView {
  private map: Heatmap | null = null;
  private readonly paths: Phaser.GameObjects.Graphics;
  private readonly caption: Phaser.GameObjects.Text;

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly o: LandscapeViewOptions,
  ) {
    scene.add.text(o.x, o.y - 34, 'Loss landscape', textStyle(TEXT.label, CSS.text, 600));
    new Button(scene, {
      x: o.x + o.size + 12,
      y: o.y,
      width: 136,
      height: 40,
      label: 'Compute',
      fontSize: TEXT.small,
      tooltip: 'Slice the loss around the chosen lane’s weights and draw every lane’s path on it',
      onClick: o.onCompute,
    });
    this.paths = scene.add.graphics().setDepth(2);
    this.caption = scene.add
      .text(
        o.x + o.size + 12,
        o.y + 52,
        'Two random directions, scaled to each neuron’s weights.',
        textStyle(TEXT.small, CSS.textDim),
      )
      .setWordWrapWidth(150)
      .setLineSpacing(3);
    scene.add.graphics().lineStyle(1, COLORS.line, 1).strokeRect(o.x, o.y, o.size, o.size);
  }

  show(slice: Landscape): void {
    const n = slice.resolution;
    this.map?.destroy();
    this.map = new Heatmap(this.scene, {
      x: this.o.x,
      y: this.o.y,
      size: this.o.size,
      resolution: n,
    });
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of slice.loss) {
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, log10(v));
      hi = Math.max(hi, log10(v));
    }
    // Row 0 of the map is the top: the largest b.
    this.map.fill((r, c) => {
      const v = slice.loss[(n - 1 - r) * n + c]!;
      const t = Number.isFinite(v) ? (log10(v) - lo) / Math.max(hi - lo, 1e-9) : 1;
      return viridis(1 - Math.floor(t * 10) / 10);
    });
    const [a0, a1] = [slice.a[0]!, slice.a.at(-1)!];
    const [b0, b1] = [slice.b[0]!, slice.b.at(-1)!];
    const px = (a: number): number => this.o.x + ((a - a0) / (a1 - a0)) * this.o.size;
    const py = (b: number): number => this.o.y + this.o.size - ((b - b0) / (b1 - b0)) * this.o.size;
    const g = this.paths.clear();
    for (const path of slice.paths) {
      const color = LANE_COLORS[path.lane % 4]!;
      g.lineStyle(2, color, 1);
      path.points.forEach((p, i) => {
        if (i > 0) {
          const q = path.points[i - 1]!;
          g.lineBetween(px(q.a), py(q.b), px(p.a), py(p.b));
        }
      });
      const end = path.points.at(-1);
      if (end) g.fillStyle(color, 1).fillCircle(px(end.a), py(end.b), 4);
    }
    this.caption.setText(
      slice.axes === 'params'
        ? 'The exact loss over the weight and the bias. Brighter is lower.'
        : `Lane ${slice.lane + 1} at step ${slice.step}: two random directions, scaled to each neuron’s weights. Brighter is lower loss.`,
    );
  }
}
