/**
 * A slider of the kit: a label and the formatted value above a track with a knob. Linear (with a
 * step) or logarithmic (the learning rate spans several powers of ten; values snap to two
 * significant digits). Drag or click the track, or focus it and use the arrows (Shift for big
 * steps). A locked slider — a setting the level fixes — shows a lock icon, a dimmed track, and
 * ignores input; its tooltip says it is locked.
 *
 * ```ts
 * new Slider(this, { x: 20, y: 100, label: 'Learning rate', min: 1e-4, max: 1, value: 0.03,
 *   scale: 'log', tooltip: 'How big a step each update takes', onChange: (v) => ... });
 * ```
 */
import * as Phaser from 'phaser';
import { COLORS, CSS, TEXT, textStyle } from '../theme.js';
import type { Direction } from './focus.js';
import { formatNumber } from './format.js';
import { drawIcon } from './icons.js';
import { Widget } from './widget.js';

export interface SliderOptions {
  /** Top-left corner. */
  x: number;
  y: number;
  /** Whole width (label row and track); default 280. Height is fixed at 52. */
  width?: number;
  label: string;
  min: number;
  max: number;
  value: number;
  /** Linear sliders snap to multiples of `step` from `min` (default: continuous). */
  step?: number;
  /** 'log' needs min > 0. Default 'linear'. */
  scale?: 'linear' | 'log';
  /**
   * The only values allowed, ascending, spaced evenly along the track (Playground's
   * regularisation rates 0, 0.001 … 10); overrides `scale` and `step`.
   */
  stops?: readonly number[];
  /** Shows the value; default: up to 3 significant digits. */
  format?: (value: number) => string;
  locked?: boolean;
  /** Why it is locked, for the tooltip; default "locked in this level". */
  lockReason?: string;
  /** One line: what the setting does. */
  tooltip: string;
  /** Called on every change (while dragging, too). */
  onChange?: (value: number) => void;
}

const HEIGHT = 52;
const TRACK_Y = 38;
const KNOB = 9;

export class Slider extends Widget {
  private readonly graphics: Phaser.GameObjects.Graphics;
  private readonly labelText: Phaser.GameObjects.Text;
  private readonly valueText: Phaser.GameObjects.Text;
  private readonly options: SliderOptions;
  private current: number;
  private locked: boolean;
  private dragging = false;

  constructor(scene: Phaser.Scene, options: SliderOptions) {
    super(scene, options.x, options.y, options.width ?? 280, HEIGHT, options.tooltip);
    this.options = options;
    this.locked = options.locked ?? false;
    this.current = this.snap(options.value);
    this.graphics = scene.add.graphics();
    this.labelText = scene.add.text(0, 0, options.label, {
      ...textStyle(TEXT.small, CSS.textDim),
      resolution: 2,
    });
    this.valueText = scene.add
      .text(this.width, 0, '', { ...textStyle(TEXT.body, CSS.text, 600), resolution: 2 })
      .setOrigin(1, 0);
    this.addAt([this.graphics, this.labelText, this.valueText], 0);
    this.hit.on('pointerdown', (pointer: Phaser.Input.Pointer) => {
      if (this.locked) return;
      this.dragging = true;
      this.fromPointer(pointer);
    });
    // Drag with the scene's pointer events so the drag continues outside the hit zone.
    const move = (pointer: Phaser.Input.Pointer): void => {
      if (this.dragging && pointer.isDown) this.fromPointer(pointer);
    };
    const up = (): void => {
      this.dragging = false;
    };
    scene.input.on('pointermove', move);
    scene.input.on('pointerup', up);
    this.once('destroy', () => {
      scene.input?.off('pointermove', move);
      scene.input?.off('pointerup', up);
    });
    this.setLocked(this.locked);
  }

  get value(): number {
    return this.current;
  }

  /** Sets the value (clamped and snapped); `emit` also calls onChange. */
  setValue(value: number, emit = false): this {
    const next = this.snap(value);
    const changed = next !== this.current;
    this.current = next;
    this.redraw();
    if (emit && changed) this.options.onChange?.(next);
    return this;
  }

  setLocked(locked: boolean): this {
    this.locked = locked;
    this.hit.input!.cursor = locked ? 'default' : 'pointer';
    this.labelText.setX(locked ? 20 : 0);
    this.redraw();
    return this;
  }

  get isLocked(): boolean {
    return this.locked;
  }

  focusLabel(): string {
    return this.options.label ?? '';
  }

  override tooltipText(): string | null {
    const tip = super.tooltipText();
    const why = this.options.lockReason ?? 'locked in this level';
    return this.locked ? `${tip ?? this.options.label} — ${why}` : tip;
  }

  override adjust(direction: Direction, large: boolean): boolean {
    if (this.locked) return false;
    const sign = direction === 'right' || direction === 'up' ? 1 : -1;
    const stops = this.options.stops;
    if (stops) {
      const i = stops.indexOf(this.current) + sign * (large ? 3 : 1);
      this.setValue(stops[Phaser.Math.Clamp(i, 0, stops.length - 1)]!, true);
    } else if (this.options.scale === 'log') {
      const t = this.toT(this.current);
      let next = this.current;
      // Two-digit rounding can undo a small move; keep stepping until the value changes.
      for (let k = 1; k <= 10 && next === this.current; k++) {
        next = this.snap(this.fromT(t + (sign * k * (large ? 4 : 1)) / 24));
      }
      this.setValue(next, true);
    } else {
      const { min, max, step } = this.options;
      const unit = step ?? (max - min) / 20;
      this.setValue(this.current + sign * unit * (large ? 5 : 1), true);
    }
    return true;
  }

  /** Position 0..1 of a value on the track. */
  private toT(value: number): number {
    const { min, max, stops } = this.options;
    if (stops) return stops.length > 1 ? Math.max(0, stops.indexOf(value)) / (stops.length - 1) : 0;
    if (this.options.scale === 'log') {
      // Math.log10 is fine here: it places a knob, it never touches training numbers.
      return (Math.log10(value) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
    }
    return max === min ? 0 : (value - min) / (max - min);
  }

  private fromT(t: number): number {
    const { min, max } = this.options;
    const u = Phaser.Math.Clamp(t, 0, 1);
    const stops = this.options.stops;
    if (stops) return stops[Math.round(u * (stops.length - 1))]!;
    if (this.options.scale === 'log') {
      return Math.pow(10, Math.log10(min) + u * (Math.log10(max) - Math.log10(min)));
    }
    return min + u * (max - min);
  }

  private snap(value: number): number {
    const { min, max, step, stops } = this.options;
    if (stops) {
      // The nearest allowed value.
      let best = stops[0]!;
      for (const s of stops) if (Math.abs(s - value) < Math.abs(best - value)) best = s;
      return best;
    }
    let v = Phaser.Math.Clamp(value, min, max);
    if (this.options.scale === 'log') v = Number(v.toPrecision(2));
    else if (step) v = min + Math.round((v - min) / step) * step;
    // Fix float noise (0.30000000000000004) so values print and compare cleanly.
    return Phaser.Math.Clamp(Number(v.toPrecision(12)), min, max);
  }

  private fromPointer(pointer: Phaser.Input.Pointer): void {
    const m = this.getWorldTransformMatrix();
    const local = (pointer.x - m.tx) / m.scaleX;
    const t = (local - KNOB) / (this.width - 2 * KNOB);
    this.setValue(this.fromT(t), true);
  }

  protected redraw(): void {
    const g = this.graphics;
    const w = this.width;
    const t = Phaser.Math.Clamp(this.toT(this.current), 0, 1);
    const x = KNOB + t * (w - 2 * KNOB);
    const active = !this.locked;
    g.clear();
    g.fillStyle(COLORS.line, 1);
    g.fillRoundedRect(KNOB, TRACK_Y - 3, w - 2 * KNOB, 6, 3);
    g.fillStyle(active ? COLORS.textDim : COLORS.locked, 1);
    g.fillRoundedRect(KNOB, TRACK_Y - 3, Math.max(6, x - KNOB), 6, 3);
    if (active) {
      const grow = this.hovered || this.focused || this.dragging ? 2 : 0;
      g.fillStyle(COLORS.text, 1);
      g.fillCircle(x, TRACK_Y, KNOB + grow);
      g.lineStyle(2, COLORS.background, 1);
      g.strokeCircle(x, TRACK_Y, KNOB + grow);
    } else {
      g.fillStyle(COLORS.locked, 1);
      g.fillCircle(x, TRACK_Y, KNOB - 2);
      drawIcon(g, 'lock', 8, 10, 15, COLORS.textDim);
    }
    const format = this.options.format ?? formatNumber;
    this.valueText.setText(format(this.current));
    this.valueText.setColor(active ? CSS.text : CSS.textDim);
  }
}
