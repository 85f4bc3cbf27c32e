/**
 * A progress bar for a wait of more than a moment (an image set's download): a track, a fill
 * that follows the fraction done, and a line of text with the numbers ("Downloading
 * fashion-mnist: 3.1 of 7.0 MB"). Without a known total it says how much has come so far and
 * the fill runs back and forth, so the player still sees that something is happening.
 */
import * as Phaser from 'phaser';
import { COLORS, CSS, TEXT, textStyle } from '../theme.js';

export interface ProgressBarOptions {
  x: number;
  y: number;
  width: number;
  /** What is being waited for, e.g. "Downloading fashion-mnist". */
  label: string;
}

export class ProgressBar extends Phaser.GameObjects.Container {
  private readonly track: Phaser.GameObjects.Graphics;
  private readonly text: Phaser.GameObjects.Text;
  private fraction = 0;
  private unknownPhase = 0;

  constructor(
    scene: Phaser.Scene,
    private readonly o: ProgressBarOptions,
  ) {
    super(scene, o.x, o.y);
    this.text = scene.add.text(0, 0, o.label, textStyle(TEXT.small, CSS.text));
    this.track = scene.add.graphics();
    this.add([this.text, this.track]);
    scene.add.existing(this);
    this.draw();
  }

  /** Bytes so far and the total (0: unknown). */
  setBytes(loaded: number, total: number): void {
    const mb = (n: number): string => (n / 1e6).toFixed(1);
    if (total > 0) {
      this.fraction = Math.min(1, loaded / total);
      this.text.setText(`${this.o.label}: ${mb(loaded)} of ${mb(total)} MB`);
    } else {
      this.fraction = -1;
      this.unknownPhase = (this.unknownPhase + 0.08) % 2;
      this.text.setText(`${this.o.label}: ${mb(loaded)} MB so far`);
    }
    this.draw();
  }

  /** The fraction the bar shows (−1 while the total is unknown), for the browser tests. */
  get shown(): number {
    return this.fraction;
  }

  private draw(): void {
    const g = this.track.clear();
    const y = 24;
    const w = this.o.width;
    g.fillStyle(COLORS.panelRaised, 1).fillRoundedRect(0, y, w, 10, 5);
    if (this.fraction >= 0) {
      if (this.fraction > 0)
        g.fillStyle(COLORS.data, 1).fillRoundedRect(0, y, Math.max(10, w * this.fraction), 10, 5);
    } else {
      const t = this.unknownPhase < 1 ? this.unknownPhase : 2 - this.unknownPhase;
      g.fillStyle(COLORS.data, 1).fillRoundedRect(t * w * 0.75, y, w * 0.25, 10, 5);
    }
  }
}

/**
 * Shows `bar` following `progress` (polled every 100 ms) until `task` settles, then removes it;
 * returns the task's result. The bar appears only if the wait lasts longer than 300 ms.
 */
export async function withProgress<T>(
  scene: Phaser.Scene,
  task: Promise<T>,
  progress: () => Promise<{ loadedBytes: number; totalBytes: number; done: boolean } | null>,
  make: () => ProgressBar,
): Promise<T> {
  let bar: ProgressBar | null = null;
  let settled = false;
  const shown = scene.time.delayedCall(300, () => {
    if (!settled && scene.sys.isActive()) bar = make();
  });
  const poll = scene.time.addEvent({
    delay: 100,
    loop: true,
    callback: () => {
      void progress().then((p) => {
        if (p && bar && !settled) bar.setBytes(p.loadedBytes, p.totalBytes);
      });
    },
  });
  try {
    return await task;
  } finally {
    settled = true;
    shown.remove();
    poll.remove();
    (bar as ProgressBar | null)?.destroy();
  }
}
