/**
 * The gradient-health strip of a recurrent run: how strongly the error reaches back to each
 * step of the sequence, ‖∂L/∂h(t)‖, sampled as it trains. Across: training, one column per
 * sample (the history halves its resolution when the strip is full); down: the time steps, the
 * first at the top; colour: log10 of the norm on viridis from 10⁻⁶ (dark) to 10⁰ (bright). A
 * plain RNN's early rows fade to dark as the signal vanishes on its way back; an exploding one
 * turns bright. Painted into one texture per sample, nothing per frame.
 */
import type * as Phaser from 'phaser';
import { CSS, TEXT } from '../theme.js';
import { addText } from '../ui/text.js';
import { GridTexture } from './grid-texture.js';
import { VIRIDIS_TABLE } from './image-scale.js';
import { HEALTH_LOG, HealthHistory, powerOfTen } from './sequence-figures.js';

export interface HealthStripOptions {
  x: number;
  y: number;
  width: number;
  /** Time steps of the sequence: the strip's rows. */
  steps: number;
  /** The layer the norms are of, in words (`layer 1, rnn`). */
  layer: string;
}

/** The strip's map height and the width of the labels left of it. */
const MAP_H = 150;
const LABELS = 70;

/** A rectangle of the game, 1280×720. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What the strip shows, for the browser tests' hook. */
export interface HealthShown {
  columns: number;
  span: number;
  /** The training step of the newest column, or -1. */
  step: number;
  /** Mean colour level painted (0..255). */
  level: number;
  /** log10 of the newest norms, first step to last. */
  lastLogs: number[];
}

export class HealthStrip {
  readonly bottom: number;
  private readonly map: GridTexture;
  private readonly history: HealthHistory;
  private readonly lastStep: Phaser.GameObjects.Text;
  private level = 0;

  constructor(
    scene: Phaser.Scene,
    private readonly o: HealthStripOptions,
  ) {
    const mapX = o.x + LABELS;
    const mapW = o.width - LABELS;
    const top = o.y;
    addText(scene, o.x, top, `‖∂L/∂h(t)‖ of ${o.layer}, as it trains`, {
      size: TEXT.small,
      color: CSS.textDim,
    });
    const mapY = top + 26;
    this.map = new GridTexture(scene, mapX, mapY, mapW, MAP_H);
    this.history = new HealthHistory(Math.max(2, Math.floor(mapW / 3)));
    const label = (y: number, text: string, originY: number): void => {
      addText(scene, mapX - 6, y, text, { size: TEXT.small, color: CSS.textDim }).setOrigin(
        1,
        originY,
      );
    };
    label(mapY, 'first step', 0);
    label(mapY + MAP_H, 'last step', 1);
    label(mapY + MAP_H / 2, `t = 1…${o.steps}`, 0.5);
    const below = mapY + MAP_H + 4;
    addText(scene, mapX, below, 'step 0', { size: TEXT.small, color: CSS.textDim });
    this.lastStep = addText(scene, mapX + mapW, below, 'training →', {
      size: TEXT.small,
      color: CSS.textDim,
    }).setOrigin(1, 0);

    // The key: the colour scale with its ends.
    const keyY = below + 28;
    const lo = addText(scene, o.x, keyY - 4, powerOfTen(HEALTH_LOG.lo), {
      size: TEXT.small,
      color: CSS.textDim,
    });
    const barX = o.x + lo.width + 6;
    const bar = new GridTexture(scene, barX, keyY, 120, 12);
    bar.paint(1, 64, (_r, c) => (c / 63) * 255, VIRIDIS_TABLE);
    addText(
      scene,
      barX + 126,
      keyY - 4,
      `${powerOfTen(HEALTH_LOG.hi)}   (log scale; dark = faded)`,
      { size: TEXT.small, color: CSS.textDim },
    );
    const caption = addText(
      scene,
      o.x,
      keyY + 22,
      'Each column: one moment of training. Rows fading to dark toward the first step: the error signal vanishes on its way back through time. Bright: it explodes.',
      { size: TEXT.small, color: CSS.textDim, wrap: o.width, lineSpacing: 2 },
    );
    this.bottom = caption.y + caption.height;
  }

  /** Adds the norms of training step `step` and repaints. */
  add(step: number, norms: ArrayLike<number>): void {
    if (norms.length !== this.o.steps) return;
    this.history.add(step, norms);
    const h = this.history;
    const cols = h.columns.length;
    this.level = this.map.paint(
      this.o.steps,
      cols,
      (r, c) => h.level(c, r),
      VIRIDIS_TABLE,
      cols / h.capacity,
    );
    // The newest step under the newest column, clear of the "step 0" at the left.
    const filled = this.map.x + (this.map.width * cols) / h.capacity;
    this.lastStep.setText(`step ${h.columns.at(-1)!.to}`);
    this.lastStep.setX(
      Math.min(
        this.map.x + this.map.width,
        Math.max(this.map.x + 60 + this.lastStep.width, filled),
      ),
    );
  }

  /** The run went back to its start: an empty strip. */
  clear(): void {
    this.history.clear();
    this.map.clear();
    this.level = 0;
    this.lastStep.setText('training →').setX(this.map.x + this.map.width);
  }

  /** Where the map is drawn (game coordinates). */
  get rect(): Rect {
    const m = this.map;
    return { x: m.x, y: m.y, width: m.width, height: m.height };
  }

  get shown(): HealthShown {
    const last = this.history.columns.at(-1);
    return {
      columns: this.history.columns.length,
      span: this.history.span,
      step: last?.to ?? -1,
      level: this.level,
      lastLogs: last ? Array.from(last.logs, (v) => Math.round(v * 100) / 100) : [],
    };
  }
}
