/**
 * The workbench's parameter meter: a bar of the network's parameter count against the level's
 * ★★ budget (marked), orange within it and vermillion over it, with the count in words under it;
 * in the sandbox, just the count.
 */
import type * as Phaser from 'phaser';
import { formatCount } from '../../levels/rules.js';
import { COLORS, CSS, TEXT, textStyle } from '../theme.js';

export class ParamMeter {
  private readonly g: Phaser.GameObjects.Graphics;
  private readonly text: Phaser.GameObjects.Text;

  constructor(
    scene: Phaser.Scene,
    private readonly o: { x: number; y: number; width: number; budget: number | null },
  ) {
    this.g = scene.add.graphics();
    this.text = scene.add
      .text(o.x, o.y + 22, '', textStyle(TEXT.small, CSS.textDim))
      .setWordWrapWidth(o.width);
  }

  /** Where the words under the bar end (they take two lines when the budget is named). */
  get bottom(): number {
    return this.text.y + this.text.height;
  }

  /** Shows `params` (null: the network cannot be built, so there is no count). */
  show(params: number | null): void {
    const { x, y, width: w, budget } = this.o;
    const g = this.g.clear();
    g.fillStyle(COLORS.panelRaised, 1).fillRoundedRect(x, y, w, 14, 7);
    if (params === null) {
      this.text.setText('—');
      return;
    }
    const cap = budget ? budget * 1.5 : Math.max(params, 1);
    const over = budget !== null && params > budget;
    g.fillStyle(over ? COLORS.warning : COLORS.weights, 1);
    g.fillRoundedRect(x, y, Math.max(8, w * Math.min(1, params / cap)), 14, 7);
    if (budget) {
      const bx = x + (w * budget) / cap;
      g.lineStyle(2, COLORS.text, 1).lineBetween(bx, y - 4, bx, y + 18);
    }
    this.text
      .setText(
        budget === null
          ? `${formatCount(params)} parameters`
          : over
            ? `${formatCount(params)} parameters — over the ★★ budget of ${formatCount(budget)}`
            : `${formatCount(params)} of ${formatCount(budget)} parameters — within the ★★ budget`,
      )
      .setColor(over ? CSS.warning : CSS.textDim);
  }
}
