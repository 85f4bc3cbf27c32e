/**
 * The workbench's cost panel, under the palette: what the network costs against what the level
 * allows. A level with a parameter or multiply-add budget (`blocks.maxParams`, `blocks.maxMacs`)
 * gets a meter per budget — "Parameters 310 / 400", a bar with the budget marked, and the spare
 * or the overshoot in words, with ⚠ when over (never colour alone). Without a parameter budget
 * the ★★ parameter meter stays; without any budget on image data, the multiply-adds per image
 * are written under it, so the cost of a convolution is seen everywhere. Redrawn on every edit.
 */
import type * as Phaser from 'phaser';
import { COLORS, CSS, TEXT, textStyle } from '../theme.js';
import { budgetShown, macsTotal } from './cost-text.js';
import { ParamMeter } from './param-meter.js';

export interface BudgetPanelOptions {
  x: number;
  y: number;
  width: number;
  /** The level's ★★ parameter count, or null (the sandbox). */
  starParams: number | null;
  maxParams?: number;
  maxMacs?: number;
  /** Image data: the multiply-adds are worth showing even without a budget. */
  images: boolean;
}

/** Height of one budget meter: title and value, bar, status line. */
const METER_HEIGHT = 80;

/** A bar of one total against its budget, with the budget's line and the words under it. */
class BudgetMeter {
  private readonly g: Phaser.GameObjects.Graphics;
  private readonly title: Phaser.GameObjects.Text;
  private readonly value: Phaser.GameObjects.Text;
  private readonly status: Phaser.GameObjects.Text;

  constructor(
    scene: Phaser.Scene,
    private readonly o: {
      x: number;
      y: number;
      width: number;
      kind: 'params' | 'macs';
      budget: number;
    },
  ) {
    this.g = scene.add.graphics();
    this.title = scene.add.text(o.x, o.y, '', textStyle(TEXT.label, CSS.text, 600));
    this.value = scene.add
      .text(o.x + o.width, o.y + 3, '', textStyle(TEXT.small, CSS.text, 600))
      .setOrigin(1, 0);
    this.status = scene.add
      .text(o.x, o.y + 48, '', textStyle(TEXT.small, CSS.textDim))
      .setWordWrapWidth(o.width);
  }

  show(total: number | null): void {
    const { x, y, width: w, kind, budget } = this.o;
    const shown = budgetShown(kind, total, budget);
    this.title.setText(shown.title);
    this.value.setText(shown.value).setColor(shown.over ? CSS.warning : CSS.text);
    this.status.setText(shown.status).setColor(shown.over ? CSS.warning : CSS.textDim);
    const top = y + 28;
    const g = this.g.clear();
    g.fillStyle(COLORS.panelRaised, 1).fillRoundedRect(x, top, w, 14, 7);
    if (total !== null) {
      g.fillStyle(shown.over ? COLORS.warning : COLORS.weights, 1);
      g.fillRoundedRect(x, top, Math.max(8, w * shown.fill), 14, 7);
    }
    const bx = x + w * shown.mark;
    g.lineStyle(2, COLORS.text, 1).lineBetween(bx, top - 4, bx, top + 18);
  }
}

export class BudgetPanel {
  /** How much height the panel takes, so what comes under it can start below. */
  readonly height: number;
  private readonly params: BudgetMeter | ParamMeter;
  private readonly macs: BudgetMeter | null;
  private readonly macsLine: Phaser.GameObjects.Text | null = null;

  constructor(scene: Phaser.Scene, o: BudgetPanelOptions) {
    let y = o.y;
    if (o.maxParams !== undefined) {
      this.params = new BudgetMeter(scene, { ...o, kind: 'params', budget: o.maxParams });
      y += METER_HEIGHT;
    } else {
      scene.add.text(o.x, y, 'Parameters', textStyle(TEXT.label, CSS.text, 600));
      this.params = new ParamMeter(scene, {
        x: o.x,
        y: y + 32,
        width: o.width,
        budget: o.starParams,
      });
      // The ★★ meter writes one line under its bar; the multiply-adds take a second.
      const showMacs = o.maxMacs === undefined && o.images;
      if (showMacs) {
        this.macsLine = scene.add.text(o.x, y + 74, '', textStyle(TEXT.small, CSS.textDim));
      }
      // Two lines of words under a ★★ bar, and the multiply-adds under them.
      y += showMacs ? (o.starParams === null ? 102 : 120) : o.maxMacs !== undefined ? 100 : 102;
    }
    this.macs =
      o.maxMacs !== undefined
        ? new BudgetMeter(scene, { ...o, y, kind: 'macs', budget: o.maxMacs })
        : null;
    if (this.macs) y += METER_HEIGHT;
    this.height = y - o.y;
  }

  /** Shows the network's totals (null: it cannot be built, so there are none). */
  show(params: number | null, macs: number | null): void {
    this.params.show(params);
    this.macs?.show(macs);
    if (this.params instanceof ParamMeter) this.macsLine?.setY(this.params.bottom + 2);
    this.macsLine?.setText(macsTotal(macs));
  }
}
