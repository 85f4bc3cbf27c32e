/**
 * A segmented selector for a few options (optimizer, activation, loss…): an optional small label
 * above a row of segments, the chosen one filled. Click a segment, or focus the control and use
 * Left/Right (Enter/Space moves to the next option). Locked choices show a lock and ignore input.
 * Meant for a handful of options (the level files offer at most about five).
 *
 * ```ts
 * new Choice(this, { x: 20, y: 200, label: 'Optimizer', value: 'adam', tooltip: 'How weights move',
 *   options: [{ value: 'sgd', label: 'SGD' }, { value: 'adam', label: 'Adam' }], onChange: ... });
 * ```
 */
import * as Phaser from 'phaser';
import { COLORS, CSS, RADIUS, TEXT, textStyle } from '../theme.js';
import type { Direction } from './focus.js';
import { drawIcon } from './icons.js';
import { Widget } from './widget.js';

export interface ChoiceOption<T> {
  value: T;
  label: string;
  /** Shown as the tooltip while the pointer is on this segment. */
  tooltip?: string;
}

export interface ChoiceOptions<T> {
  /** Top-left corner. */
  x: number;
  y: number;
  /** Default: each segment fits its label. */
  width?: number;
  /** Small label above the segments (adds 22 px of height). */
  label?: string;
  options: readonly ChoiceOption<T>[];
  value: T;
  /** One line: what the choice controls. */
  tooltip: string;
  locked?: boolean;
  /** Why it is locked, for the tooltip; default "locked in this level". */
  lockReason?: string;
  onChange?: (value: T) => void;
  /** What the choice is called when it has no label (tests, assistive text). */
  name?: string;
}

const ROW = 36;
const LABEL = 22;

export class Choice<T extends string | number> extends Widget {
  private readonly graphics: Phaser.GameObjects.Graphics;
  private readonly heading: Phaser.GameObjects.Text | null = null;
  private readonly labels: Phaser.GameObjects.Text[];
  private readonly segments: { x: number; w: number }[] = [];
  private readonly top: number;
  private readonly options: ChoiceOptions<T>;
  private index: number;
  private hoverIndex = -1;
  private locked: boolean;

  constructor(scene: Phaser.Scene, options: ChoiceOptions<T>) {
    const top = options.label ? LABEL : 0;
    super(scene, options.x, options.y, options.width ?? 10, top + ROW, options.tooltip);
    this.options = options;
    this.top = top;
    this.locked = options.locked ?? false;
    this.index = Math.max(
      0,
      options.options.findIndex((o) => o.value === options.value),
    );
    this.graphics = scene.add.graphics();
    const parts: Phaser.GameObjects.GameObject[] = [this.graphics];
    if (options.label) {
      this.heading = scene.add.text(0, 0, options.label, {
        ...textStyle(TEXT.small, CSS.textDim),
        resolution: 2,
      });
      parts.push(this.heading);
    }
    this.labels = options.options.map((o) =>
      scene.add
        .text(0, top + ROW / 2, o.label, { ...textStyle(TEXT.body, CSS.text, 600), resolution: 2 })
        .setOrigin(0.5, 0.5),
    );
    this.addAt([...parts, ...this.labels], 0);
    // Segment widths: equal when a width is given, else each fits its label.
    const natural = this.labels.map((t) => Math.ceil(t.width) + 28);
    const total = options.width ?? natural.reduce((a, b) => a + b, 0);
    let x = 0;
    for (let i = 0; i < this.labels.length; i++) {
      const w = options.width ? total / this.labels.length : natural[i]!;
      this.segments.push({ x, w });
      this.labels[i]!.setX(x + w / 2);
      x += w;
    }
    this.resize(total, top + ROW);
    this.hit.on('pointermove', (pointer: Phaser.Input.Pointer) => {
      const i = this.segmentAt(pointer);
      if (i !== this.hoverIndex) {
        this.hoverIndex = i;
        this.redraw();
      }
    });
    this.hit.on('pointerout', () => {
      this.hoverIndex = -1;
      this.redraw();
    });
    this.hit.on('pointerup', (pointer: Phaser.Input.Pointer) => {
      const i = this.segmentAt(pointer);
      if (i >= 0 && !this.locked) this.select(i, true);
    });
    this.setLocked(this.locked);
  }

  get value(): T {
    return this.options.options[this.index]!.value;
  }

  /** Selects the option with `value` (no onChange unless `emit`). */
  setValue(value: T, emit = false): this {
    const i = this.options.options.findIndex((o) => o.value === value);
    if (i >= 0) this.select(i, emit);
    return this;
  }

  setLocked(locked: boolean): this {
    this.locked = locked;
    this.hit.input!.cursor = locked ? 'default' : 'pointer';
    // The lock goes before the label, as on the slider, so narrow choices stay readable.
    this.heading?.setX(locked ? 20 : 0);
    this.redraw();
    return this;
  }

  focusLabel(): string {
    return this.options.label ?? this.options.name ?? '';
  }

  override tooltipText(): string | null {
    const option = this.options.options[this.hoverIndex >= 0 ? this.hoverIndex : this.index];
    const tip = (this.hoverIndex >= 0 && option?.tooltip) || super.tooltipText();
    const why = this.options.lockReason ?? 'locked in this level';
    return this.locked ? `${tip ?? ''} — ${why}` : tip;
  }

  override activate(): void {
    if (this.locked) return;
    this.select((this.index + 1) % this.options.options.length, true);
  }

  override adjust(direction: Direction, _large: boolean): boolean {
    if (this.locked || direction === 'up' || direction === 'down') return false;
    const n = this.options.options.length;
    const next = this.index + (direction === 'right' ? 1 : -1);
    if (next < 0 || next >= n) return false;
    this.select(next, true);
    return true;
  }

  private select(i: number, emit: boolean): void {
    const changed = i !== this.index;
    this.index = i;
    this.redraw();
    if (emit && changed) this.options.onChange?.(this.value);
  }

  private segmentAt(pointer: Phaser.Input.Pointer): number {
    const m = this.getWorldTransformMatrix();
    const x = (pointer.x - m.tx) / m.scaleX;
    const y = (pointer.y - m.ty) / m.scaleY;
    if (y < this.top) return -1;
    return this.segments.findIndex((s) => x >= s.x && x < s.x + s.w);
  }

  protected redraw(): void {
    const g = this.graphics;
    const top = this.top;
    g.clear();
    g.fillStyle(COLORS.panel, 1);
    g.fillRoundedRect(0, top, this.width, ROW, RADIUS);
    g.lineStyle(1, COLORS.line, 1);
    g.strokeRoundedRect(0.5, top + 0.5, this.width - 1, ROW - 1, RADIUS);
    this.segments.forEach((s, i) => {
      const chosen = i === this.index;
      if (chosen) {
        g.fillStyle(this.locked ? COLORS.locked : COLORS.text, 1);
        g.fillRoundedRect(s.x + 3, top + 3, s.w - 6, ROW - 6, RADIUS - 3);
      } else if (i === this.hoverIndex && !this.locked) {
        g.fillStyle(COLORS.panelRaised, 1);
        g.fillRoundedRect(s.x + 3, top + 3, s.w - 6, ROW - 6, RADIUS - 3);
      }
      const label = this.labels[i]!;
      label.setColor(chosen ? CSS.background : this.locked ? CSS.locked : CSS.text);
    });
    if (this.locked && this.heading) drawIcon(g, 'lock', 8, 10, 15, COLORS.textDim);
    if (this.locked && !this.heading)
      drawIcon(g, 'lock', this.width + 12, top + ROW / 2, 15, COLORS.textDim);
  }
}
