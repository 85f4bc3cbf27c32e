/**
 * Shared pieces of the briefing figures: `Plot` maps data coordinates to a rectangle of the
 * screen and draws light axes; `Handle` is a draggable, keyboard-focusable knob (arrows nudge
 * it) that reports where it was moved in data coordinates. Every figure is built from these so
 * they look and behave alike.
 */
import * as Phaser from 'phaser';
import { COLORS, CSS, TEXT } from '../../theme.js';
import {
  FocusManager,
  isShown,
  worldRect,
  type Direction,
  type Focusable,
} from '../../ui/focus.js';
import { attachTooltip } from '../../ui/tooltip.js';
import { addText } from '../../ui/text.js';

/** Where a figure may draw, in screen (design) pixels. */
export interface FigureBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What a figure tells the Briefing: a heading and a plain-words caption shown under it. */
export interface FigureInfo {
  title: string;
  caption: string;
}

/** Builds a figure into `box`; its objects and handles live until the scene shuts down. */
export type FigureBuilder = (scene: Phaser.Scene, box: FigureBox) => FigureInfo;

/** A linear map from a data rectangle to a screen rectangle (y grows upwards in data). */
export class Plot {
  constructor(
    readonly box: FigureBox,
    readonly xMin: number,
    readonly xMax: number,
    readonly yMin: number,
    readonly yMax: number,
  ) {}

  sx(x: number): number {
    return this.box.x + ((x - this.xMin) / (this.xMax - this.xMin)) * this.box.width;
  }

  sy(y: number): number {
    return (
      this.box.y + this.box.height - ((y - this.yMin) / (this.yMax - this.yMin)) * this.box.height
    );
  }

  dx(px: number): number {
    return this.xMin + ((px - this.box.x) / this.box.width) * (this.xMax - this.xMin);
  }

  dy(py: number): number {
    return (
      this.yMin + ((this.box.y + this.box.height - py) / this.box.height) * (this.yMax - this.yMin)
    );
  }

  /** Pixels per data unit along y (for squares drawn in data units). */
  get pxPerY(): number {
    return this.box.height / (this.yMax - this.yMin);
  }

  /** A light frame, grid lines at the integers, and optional axis names. */
  drawAxes(
    scene: Phaser.Scene,
    g: Phaser.GameObjects.Graphics,
    names: { x?: string; y?: string } = {},
    gridStep = 1,
  ): void {
    const { x, y, width, height } = this.box;
    g.lineStyle(1, COLORS.line, 0.6);
    for (let v = Math.ceil(this.xMin / gridStep) * gridStep; v <= this.xMax; v += gridStep) {
      g.lineBetween(this.sx(v), y, this.sx(v), y + height);
    }
    for (let v = Math.ceil(this.yMin / gridStep) * gridStep; v <= this.yMax; v += gridStep) {
      g.lineBetween(x, this.sy(v), x + width, this.sy(v));
    }
    g.lineStyle(1, COLORS.textDim, 0.8);
    g.strokeRect(x, y, width, height);
    if (names.x) {
      addText(scene, x + width, y + height + 6, names.x, {
        size: TEXT.small,
        color: CSS.textDim,
      }).setOrigin(1, 0);
    }
    if (names.y) {
      addText(scene, x - 8, y, names.y, { size: TEXT.small, color: CSS.textDim }).setOrigin(1, 0);
    }
  }
}

export interface HandleOptions {
  x: number;
  y: number;
  color: number;
  /** One line: what dragging it does. */
  tooltip: string;
  /** The pointer moved the handle to (x, y) in screen pixels; return the accepted position. */
  onDrag: (x: number, y: number) => { x: number; y: number };
  /** Pixels per arrow press (Shift: ×4). Default 8. */
  nudge?: number;
  /** Which arrows move it. Default both axes. */
  axes?: 'x' | 'y' | 'xy';
}

/** A draggable knob: pointer drag or arrows (when focused) move it; the owner constrains it. */
export class Handle extends Phaser.GameObjects.Container implements Focusable {
  private readonly dot: Phaser.GameObjects.Graphics;
  private dragging = false;
  private hovered = false;
  private focused = false;
  readonly focusRound = true;

  constructor(
    scene: Phaser.Scene,
    private readonly options: HandleOptions,
  ) {
    super(scene, options.x, options.y);
    this.dot = scene.add.graphics();
    const hit = scene.add.zone(0, 0, 40, 40).setInteractive({ useHandCursor: true });
    this.add([this.dot, hit]);
    scene.add.existing(this);
    this.setDepth(20);
    hit.on('pointerdown', () => {
      this.dragging = true;
      FocusManager.for(scene).focus(this, false);
      this.redraw();
    });
    hit.on('pointerover', () => {
      this.hovered = true;
      this.redraw();
    });
    hit.on('pointerout', () => {
      this.hovered = false;
      this.redraw();
    });
    attachTooltip(hit, options.tooltip, () => this.focusBounds());
    const move = (pointer: Phaser.Input.Pointer): void => {
      if (!this.dragging || !pointer.isDown) return;
      const p = options.onDrag(pointer.x, pointer.y);
      this.setPosition(p.x, p.y);
    };
    const up = (): void => {
      if (!this.dragging) return;
      this.dragging = false;
      this.redraw();
    };
    scene.input.on('pointermove', move);
    scene.input.on('pointerup', up);
    this.once('destroy', () => {
      scene.input?.off('pointermove', move);
      scene.input?.off('pointerup', up);
    });
    this.redraw();
    FocusManager.for(scene).add(this);
  }

  /** Moves the handle without calling onDrag (the owner already knows). */
  place(x: number, y: number): void {
    this.setPosition(x, y);
  }

  focusBounds(): Phaser.Geom.Rectangle {
    const r = worldRect(this, 0, 0);
    return new Phaser.Geom.Rectangle(r.x - 12, r.y - 12, 24, 24);
  }

  canFocus(): boolean {
    return isShown(this);
  }

  setFocused(focused: boolean): void {
    this.focused = focused;
    this.redraw();
  }

  tooltipText(): string {
    return this.options.tooltip;
  }

  adjust(direction: Direction, large: boolean): boolean {
    const axes = this.options.axes ?? 'xy';
    const horizontal = direction === 'left' || direction === 'right';
    if ((horizontal && axes === 'y') || (!horizontal && axes === 'x')) return false;
    const step = (this.options.nudge ?? 8) * (large ? 4 : 1);
    const dx = direction === 'left' ? -step : direction === 'right' ? step : 0;
    const dy = direction === 'up' ? -step : direction === 'down' ? step : 0;
    const p = this.options.onDrag(this.x + dx, this.y + dy);
    this.setPosition(p.x, p.y);
    return true;
  }

  private redraw(): void {
    const g = this.dot;
    const big = this.dragging || this.hovered || this.focused;
    g.clear();
    g.fillStyle(this.options.color, 0.25);
    g.fillCircle(0, 0, big ? 18 : 14);
    g.fillStyle(this.options.color, 1);
    g.fillCircle(0, 0, big ? 10 : 8);
    g.lineStyle(2, COLORS.focus, 1);
    g.strokeCircle(0, 0, big ? 10 : 8);
  }
}

/** Clamps a value into [min, max]. */
export function clamp(v: number, min: number, max: number): number {
  return Phaser.Math.Clamp(v, min, max);
}

/**
 * The infinite line through a and b, cut to the rectangle `box` (Liang–Barsky), or null when it
 * misses the box. Used to draw boundaries that stop at the plot's frame.
 */
export function lineInBox(
  a: { x: number; y: number },
  b: { x: number; y: number },
  box: FigureBox,
): [{ x: number; y: number }, { x: number; y: number }] | null {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  let t0 = -Infinity;
  let t1 = Infinity;
  const edges: [number, number][] = [
    [-dx, a.x - box.x],
    [dx, box.x + box.width - a.x],
    [-dy, a.y - box.y],
    [dy, box.y + box.height - a.y],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return null;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
  }
  if (t0 > t1 || !Number.isFinite(t0) || !Number.isFinite(t1)) return null;
  return [
    { x: a.x + dx * t0, y: a.y + dy * t0 },
    { x: a.x + dx * t1, y: a.y + dy * t1 },
  ];
}
