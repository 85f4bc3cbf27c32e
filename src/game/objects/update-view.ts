/**
 * Why the lanes differ: for the chosen lane, per layer, a histogram of how far each weight moved
 * in one step (|Δw|, on log-spaced bins from 10⁻⁸ to 1), with the median move and the effective
 * learning rate (median |Δw| / median |g|), and under the bars the same histogram over time, one
 * row per 25 steps from the first (top) to the latest (bottom). SGD moves every weight by the
 * same multiple of its gradient, so its moves shrink as the gradients do; Adam sizes each
 * weight's step itself, so its moves stay near the learning rate.
 */
import type * as Phaser from 'phaser';
import type { LayerUpdates } from '../../engine/race.js';
import { COLORS, CSS, TEXT, textStyle } from '../theme.js';

export interface UpdateViewOptions {
  x: number;
  y: number;
  width: number;
}

/** Layers drawn at most (the first ones: the rest are listed by name). */
const MAX_LAYERS = 2;
/** Height of the over-time strip under each layer's bars. */
const STRIP = 44;

export class UpdateView {
  private readonly g: Phaser.GameObjects.Graphics;
  private readonly title: Phaser.GameObjects.Text;
  private readonly texts: Phaser.GameObjects.Text[] = [];

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly o: UpdateViewOptions,
  ) {
    this.title = scene.add.text(o.x, o.y, '', textStyle(TEXT.label, CSS.text, 600));
    this.g = scene.add.graphics();
  }

  /** `first` are the lane's first recorded updates: the effective rate then, to show the drift. */
  show(
    layers: LayerUpdates[],
    lane: number,
    color: string,
    first: LayerUpdates[] = [],
    history: LayerUpdates[][] = [],
  ): void {
    this.title.setText(`Lane ${lane + 1}: how far each weight moves`);
    for (const t of this.texts) t.destroy();
    this.texts.length = 0;
    const g = this.g.clear();
    const { x, width } = this.o;
    let y = this.o.y + 34;
    if (!layers.length) {
      this.texts.push(
        this.scene.add
          .text(
            x,
            y,
            'Race a few steps to see the update sizes.',
            textStyle(TEXT.small, CSS.textDim),
          )
          .setWordWrapWidth(width),
      );
      return;
    }
    const hex = Number.parseInt(color.slice(1), 16);
    for (const layer of layers.slice(0, MAX_LAYERS)) {
      const h = 40;
      const bins = layer.counts.length;
      const peak = Math.max(1, ...layer.counts);
      const bw = width / bins;
      g.lineStyle(1, COLORS.line, 1).strokeRect(x, y + 18, width, h);
      layer.counts.forEach((c, i) => {
        const bh = (c / peak) * (h - 2);
        g.fillStyle(hex, 1).fillRect(x + i * bw + 1, y + 18 + h - bh, Math.max(1, bw - 2), bh);
      });
      const fmt = (v: number | undefined): string =>
        v !== undefined && Number.isFinite(v) ? v.toPrecision(2) : '—';
      const then = first.find((f) => f.name === layer.name)?.effectiveLr;
      const eff =
        then !== undefined && then !== layer.effectiveLr
          ? `${fmt(layer.effectiveLr)} (was ${fmt(then)})`
          : fmt(layer.effectiveLr);
      this.texts.push(
        this.scene.add.text(
          x,
          y,
          `${layer.name}: |Δw| ~${layer.medianUpdate.toPrecision(2)} · effective lr ${eff}`,
          textStyle(TEXT.small, CSS.text),
        ),
      );
      this.strip(
        history.map((r) => r.find((l) => l.name === layer.name)),
        hex,
        y + 18 + h + 2,
      );
      y += h + STRIP + 30;
    }
    this.texts.push(
      this.scene.add.text(x, y - 4, '10⁻⁸', textStyle(TEXT.small, CSS.textDim)),
      this.scene.add
        .text(x + width, y - 4, '1', textStyle(TEXT.small, CSS.textDim))
        .setOrigin(1, 0),
      this.scene.add
        .text(
          x + width / 2,
          y - 4,
          '|Δw| per step (log) · rows: time ↓',
          textStyle(TEXT.small, CSS.textDim),
        )
        .setOrigin(0.5, 0),
    );
    if (layers.length > MAX_LAYERS) {
      this.texts.push(
        this.scene.add.text(
          x,
          y + 16,
          `and ${layers.length - MAX_LAYERS} more layers`,
          textStyle(TEXT.small, CSS.textDim),
        ),
      );
    }
  }

  /**
   * The histograms over time: a row per record (first at the top), its bins in the same columns
   * as the bars above, each cell as strong as its count against that record's largest.
   */
  private strip(records: (LayerUpdates | undefined)[], color: number, top: number): void {
    const g = this.g;
    const { x, width } = this.o;
    g.lineStyle(1, COLORS.line, 1).strokeRect(x, top, width, STRIP);
    const rows = records.filter((r): r is LayerUpdates => r !== undefined);
    if (!rows.length) return;
    const shown =
      rows.length > STRIP ? rows.filter((_, i) => i % Math.ceil(rows.length / STRIP) === 0) : rows;
    const rh = STRIP / shown.length;
    shown.forEach((r, row) => {
      const peak = Math.max(1, ...r.counts);
      const bw = width / r.counts.length;
      r.counts.forEach((c, i) => {
        if (c === 0) return;
        g.fillStyle(color, 0.15 + 0.85 * (c / peak)).fillRect(
          x + i * bw,
          top + row * rh,
          bw,
          Math.max(1, rh),
        );
      });
    });
  }
}
