/**
 * A toggle of the kit: a box that is ticked or not, with its label — Playground's feature inputs
 * and its "show test data" / "discretize output" check boxes. Click, Enter or Space flips it;
 * `onChange` may refuse (return false) to keep it as it was, e.g. the last feature input left.
 * The tick is drawn AND the box is filled, so the state never rests on colour alone.
 */
import type * as Phaser from 'phaser';
import { COLORS, CSS, RADIUS, TEXT, textStyle } from '../theme.js';
import { Widget } from './widget.js';

export interface ToggleOptions {
  x: number;
  y: number;
  label: string;
  value: boolean;
  tooltip: string;
  /** Default: fits the label. Height is 32. */
  width?: number;
  locked?: boolean;
  /**
   * A chip instead of a check box (a row of feature inputs): filled with dark text when on,
   * an outline with dim text when off — told apart by brightness, not by hue alone.
   */
  chip?: boolean;
  /** Called with the new state; returning false keeps the old one. */
  onChange: (on: boolean) => boolean | void;
}

const H = 32;
const CHIP_H = 28;
const BOX = 16;

export class Toggle extends Widget {
  private readonly g: Phaser.GameObjects.Graphics;
  private readonly text: Phaser.GameObjects.Text;
  private checked: boolean;

  constructor(
    scene: Phaser.Scene,
    private readonly o: ToggleOptions,
  ) {
    const h = o.chip ? CHIP_H : H;
    super(scene, o.x, o.y, o.width ?? 40, h, o.tooltip);
    this.checked = o.value;
    this.enabled = !o.locked;
    this.g = scene.add.graphics();
    this.text = scene.add
      .text(o.chip ? 8 : BOX + 16, h / 2, o.label, {
        ...textStyle(TEXT.small, CSS.text, o.chip ? 600 : 400),
        resolution: 2,
      })
      .setOrigin(0, 0.5);
    this.addAt([this.g, this.text], 0);
    this.resize(o.width ?? Math.ceil(this.text.width + (o.chip ? 16 : BOX + 26)), h);
    this.hit.on('pointerup', () => this.activate());
    this.redraw();
  }

  get value(): boolean {
    return this.checked;
  }

  override activate(): void {
    if (!this.enabled) return;
    const next = !this.checked;
    if (this.o.onChange(next) === false) return;
    this.checked = next;
    this.redraw();
  }

  focusLabel(): string {
    return this.o.label;
  }

  override tooltipText(): string | null {
    const tip = super.tooltipText();
    return this.enabled || !tip ? tip : `${tip} (locked)`;
  }

  protected redraw(): void {
    if (this.o.chip) return this.redrawChip();
    const g = this.g.clear();
    const w = this.width;
    if (this.hovered && this.enabled) g.fillStyle(0x30364a, 1).fillRoundedRect(0, 0, w, H, RADIUS);
    else g.fillStyle(COLORS.panelRaised, 1).fillRoundedRect(0, 0, w, H, RADIUS);
    const bx = 8;
    const by = (H - BOX) / 2;
    const color = this.enabled ? COLORS.data : COLORS.locked;
    if (this.checked) {
      g.fillStyle(color, 1).fillRoundedRect(bx, by, BOX, BOX, 3);
      g.lineStyle(2.5, COLORS.background, 1);
      g.beginPath();
      g.moveTo(bx + 3.5, by + 8.5);
      g.lineTo(bx + 7, by + 12);
      g.lineTo(bx + 13, by + 4.5);
      g.strokePath();
    } else {
      g.lineStyle(1.5, this.enabled ? COLORS.textDim : COLORS.locked, 1);
      g.strokeRoundedRect(bx + 0.5, by + 0.5, BOX - 1, BOX - 1, 3);
    }
    this.text.setColor(this.enabled ? CSS.text : CSS.locked);
  }

  private redrawChip(): void {
    const g = this.g.clear();
    const { width: w, height: h } = this;
    const color = this.enabled ? COLORS.data : COLORS.locked;
    if (this.checked) {
      g.fillStyle(color, this.hovered && this.enabled ? 0.85 : 1).fillRoundedRect(
        0,
        0,
        w,
        h,
        h / 2,
      );
      this.text.setColor(CSS.background);
    } else {
      g.fillStyle(this.hovered && this.enabled ? 0x30364a : COLORS.panel, 1);
      g.fillRoundedRect(0, 0, w, h, h / 2);
      g.lineStyle(1.5, this.enabled ? COLORS.textDim : COLORS.locked, 1);
      g.strokeRoundedRect(0.75, 0.75, w - 1.5, h - 1.5, h / 2);
      this.text.setColor(this.enabled ? CSS.textDim : CSS.locked);
    }
  }
}
