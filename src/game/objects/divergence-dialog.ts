/**
 * The dialog a diverged run opens: what blew up and why, in a few plain sentences, with at most
 * two ways on — rewind to the same starting weights with a smaller learning rate (only where the
 * player may change it and choosing it is not the level's own task), or back to the workbench.
 * The Training scene decides the words and the actions; the dialog only presents them.
 */
import * as Phaser from 'phaser';
import {
  COLORS,
  CSS,
  HEIGHT,
  MOTION,
  RADIUS,
  TEXT,
  WIDTH,
  reducedMotion,
  textStyle,
} from '../theme.js';
import { Button } from '../ui/button.js';
import { FocusManager } from '../ui/focus.js';

export interface DivergenceDialogOptions {
  message: string;
  /** The rewind action, or null when it would not be the player's to take. */
  rewind: { label: string; onClick: () => void } | null;
  onBack: () => void;
}

const W = 620;

export class DivergenceDialog {
  private readonly box: Phaser.GameObjects.Container;
  private readonly buttons: Button[] = [];

  constructor(scene: Phaser.Scene, o: DivergenceDialogOptions) {
    const body = scene.add
      .text(24, 52, o.message, textStyle(TEXT.body, CSS.text))
      .setWordWrapWidth(W - 48)
      .setLineSpacing(3);
    const h = Math.ceil(body.height) + 52 + 92;
    this.box = scene.add.container((WIDTH - W) / 2, (HEIGHT - h) / 2).setDepth(100);
    const g = scene.add.graphics();
    g.fillStyle(COLORS.panelRaised, 0.98).fillRoundedRect(0, 0, W, h, RADIUS);
    g.lineStyle(2, COLORS.warning, 1).strokeRoundedRect(0, 0, W, h, RADIUS);
    const head = scene.add.text(
      24,
      18,
      '⚠ The loss exploded',
      textStyle(TEXT.label, CSS.warning, 600),
    );
    this.box.add([g, head, body]);
    const y = (HEIGHT + h) / 2 - 64;
    if (o.rewind) {
      this.buttons.push(
        new Button(scene, {
          x: (WIDTH - W) / 2 + 24,
          y,
          width: 340,
          label: o.rewind.label,
          icon: 'reset',
          variant: 'primary',
          tooltip: 'Start again from the same weights with a 10× smaller learning rate',
          onClick: o.rewind.onClick,
        }).setDepth(101),
      );
    }
    this.buttons.push(
      new Button(scene, {
        x: (WIDTH + W) / 2 - 24 - 200,
        y,
        width: 200,
        label: 'Workbench',
        icon: 'build',
        variant: o.rewind ? 'secondary' : 'primary',
        tooltip: 'Go back and change the network or settings',
        onClick: o.onBack,
      }).setDepth(101),
    );
    FocusManager.for(scene).focus(this.buttons[0]!, true);
    if (!reducedMotion()) {
      this.box.setAlpha(0);
      scene.tweens.add({ targets: this.box, alpha: 1, duration: MOTION.normal, ease: MOTION.ease });
    }
  }

  destroy(): void {
    this.box.destroy();
    for (const b of this.buttons) b.destroy();
  }
}
