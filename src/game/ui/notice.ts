/**
 * A dismissible banner for messages the player should read once: "The shared link was damaged,
 * so the journey starts fresh", "Progress could not be saved in this browser". An icon and a word
 * of kind (never colour alone), the message, and a close button (focusable, Enter/Space).
 * `Notice.stack` shows several at once, one under the other, and moves the rest up as each is
 * dismissed.
 *
 * ```ts
 * Notice.stack(this, services.notices, { y: 16 });
 * ```
 */
import * as Phaser from 'phaser';
import { COLORS, CSS, MOTION, RADIUS, TEXT, reducedMotion, textStyle } from '../theme.js';
import { Button } from './button.js';
import { drawIcon } from './icons.js';

export type NoticeKind = 'info' | 'warning';

export interface NoticeOptions {
  text: string;
  kind?: NoticeKind;
  /** Top edge. Default 16. */
  y?: number;
  /** Left edge; default: centred horizontally. */
  x?: number;
  /** Default 720 (wraps long messages). */
  width?: number;
  /** Called after the player closed it. */
  onDismiss?: () => void;
}

export class Notice extends Phaser.GameObjects.Container {
  /**
   * Shows each message as its own banner: stacked from `y` down, or with `bottom`, stacked up
   * from `bottom` (the bottom edge of the lowest banner), so they sit clear of a scene's title.
   */
  static stack(
    scene: Phaser.Scene,
    texts: readonly string[],
    options: { y?: number; x?: number; bottom?: number; kind?: NoticeKind; width?: number } = {},
  ): Notice[] {
    const notices: Notice[] = [];
    const place = (animate: boolean): void => {
      const live = notices.filter((n) => n.scene);
      const total = live.reduce((h, n) => h + n.height + 8, -8);
      let y = options.bottom !== undefined ? options.bottom - total : (options.y ?? 16);
      for (const n of live) {
        if (animate) n.slideTo(y);
        else n.setY(y);
        y += n.height + 8;
      }
    };
    for (const text of texts) {
      notices.push(
        new Notice(scene, {
          text,
          kind: options.kind ?? 'warning',
          width: options.width,
          x: options.x,
          onDismiss: () => place(true),
        }),
      );
    }
    place(false);
    return notices;
  }

  private readonly close: Button;
  private readonly onDismiss: (() => void) | undefined;

  constructor(scene: Phaser.Scene, options: NoticeOptions) {
    const width = options.width ?? 720;
    super(scene, options.x ?? Math.round((scene.scale.width - width) / 2), options.y ?? 16);
    this.onDismiss = options.onDismiss;
    const kind = options.kind ?? 'info';
    const text = scene.add.text(52, 14, options.text, {
      ...textStyle(TEXT.body, CSS.text),
      resolution: 2,
      wordWrap: { width: width - 52 - 64 },
    });
    const height = Math.max(56, Math.ceil(text.height) + 28);
    const g = scene.add.graphics();
    g.fillStyle(COLORS.panelRaised, 0.98);
    g.fillRoundedRect(0, 0, width, height, RADIUS);
    const accent = kind === 'warning' ? COLORS.warning : COLORS.data;
    g.lineStyle(2, accent, 1);
    g.strokeRoundedRect(1, 1, width - 2, height - 2, RADIUS);
    drawIcon(g, kind === 'warning' ? 'warning' : 'info', 28, height / 2, 24, accent);
    text.setY(Math.round((height - text.height) / 2));
    this.close = new Button(scene, {
      x: width - 52,
      y: (height - 40) / 2,
      width: 40,
      height: 40,
      label: '',
      icon: 'close',
      variant: 'ghost',
      name: `dismiss: ${options.text}`,
      tooltip: 'Dismiss this message',
      onClick: () => this.dismiss(),
    });
    this.add([g, text, this.close]);
    this.setSize(width, height);
    this.setDepth(9_000);
    scene.add.existing(this);
    if (!reducedMotion()) {
      this.setAlpha(0);
      scene.tweens.add({ targets: this, alpha: 1, duration: MOTION.normal, ease: MOTION.ease });
    }
  }

  /** Removes the banner (as its close button does). */
  dismiss(): void {
    if (!this.scene) return;
    const done = (): void => {
      this.destroy();
      this.onDismiss?.();
    };
    if (reducedMotion()) return done();
    this.scene.tweens.add({
      targets: this,
      alpha: 0,
      duration: MOTION.fast,
      ease: MOTION.ease,
      onComplete: done,
    });
  }

  private slideTo(y: number): void {
    if (reducedMotion()) this.setY(y);
    else this.scene.tweens.add({ targets: this, y, duration: MOTION.normal, ease: MOTION.ease });
  }
}
