/**
 * The previous era's model, racing the player's run on the same data: a strip with its goal
 * metric at the step the player's run has reached and, for a 2-D task, a small map of its
 * decision boundary at that step. When its run is over and it missed the goal, the level's
 * lesson says why. The strip only presents a `Ghost` (see ../ghost.ts); the Training scene tells
 * it the step and lends it the same colour rule as the big map.
 */
import type * as Phaser from 'phaser';
import type { Ghost } from '../ghost.js';
import { GHOST_GRID } from '../ghost.js';
import { meetsGoal } from '../../levels/index.js';
import { metricName } from '../scenes/level-text.js';
import { CSS, TEXT, textStyle } from '../theme.js';
import { Heatmap } from './heatmap.js';

export interface GhostStripOptions {
  x: number;
  y: number;
  width: number;
  ghost: Ghost;
  /** The goal metric as the training view writes it (a percentage or a loss). */
  format: (value: number) => string;
  /** Paints a prediction grid into a map (the big boundary's colour rule); null for no map. */
  paint: ((map: Heatmap, out: Float32Array) => void) | null;
}

const MAP = 92;

export class GhostStrip {
  private readonly map: Heatmap | null;
  private readonly heading: Phaser.GameObjects.Text;
  private readonly value: Phaser.GameObjects.Text;
  private readonly lesson: Phaser.GameObjects.Text;
  private shownCheck = -2;
  /** The step of the ghost's run now shown, and whether it has missed the goal by then. */
  shown: { step: number; missed: boolean } = { step: 0, missed: false };

  constructor(
    scene: Phaser.Scene,
    private readonly o: GhostStripOptions,
  ) {
    const picture = o.ghost.picture === 'plane' && o.paint !== null;
    this.map = picture
      ? new Heatmap(scene, { x: o.x, y: o.y + 4, size: MAP, resolution: GHOST_GRID })
      : null;
    const left = picture ? o.x + MAP + 14 : o.x;
    const width = o.width - (left - o.x);
    this.heading = scene.add
      .text(
        left,
        o.y,
        `The old way: ${o.ghost.level.naive.title}`,
        textStyle(TEXT.small, CSS.textDim, 600),
      )
      .setWordWrapWidth(width);
    this.value = scene.add
      .text(left, this.heading.y + this.heading.height + 2, '', textStyle(TEXT.small, CSS.text))
      .setWordWrapWidth(width);
    this.lesson = scene.add
      .text(left, this.value.y + 22, '', textStyle(TEXT.small, CSS.textDim))
      .setWordWrapWidth(width)
      .setLineSpacing(2);
    this.update(0);
  }

  /** Shows the ghost as it stood at `step` of its own run; at or past its end, its verdict. */
  update(step: number): void {
    const checks = this.o.ghost.run.checks;
    let i = -1;
    while (i + 1 < checks.length && checks[i + 1]!.step <= step) i++;
    if (i === this.shownCheck) return;
    this.shownCheck = i;
    const level = this.o.ghost.level;
    const goal = level.goal;
    const what = `${goal.split} ${metricName(level)}`;
    if (i < 0) {
      this.value.setText(`${what}: — (waiting for step ${checks[0]?.step ?? 0})`);
      this.lesson.setText('');
      this.map?.fill(() => 0x2a2f3a);
      return;
    }
    const c = checks[i]!;
    const over = i === checks.length - 1;
    const missed = over && (this.o.ghost.run.diverged || !meetsGoal(goal, c.goal));
    this.value
      .setText(
        `${what} ${this.o.format(c.goal)} at step ${c.step}${missed ? ' ✗ missed the goal' : ''}`,
      )
      .setColor(missed ? CSS.warning : CSS.text);
    this.shown = { step: c.step, missed };
    this.lesson.setText(missed ? level.naive.lesson : '');
    this.lesson.setY(this.value.y + this.value.height + 4);
    const frame = this.o.ghost.run.frames[i];
    if (this.map && frame) this.o.paint!(this.map, frame.out);
  }
}
