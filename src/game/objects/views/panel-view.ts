/**
 * What every run view shares: the scene's three panels to draw in (left 16–456, middle 472–868,
 * right 884–1264), the previous era's strip under the left picture, and the titles, captions
 * and class keys, which keep track of how far down the left picture reaches so the strip goes
 * under it. A view extends this and draws its own pictures in `build` and `refresh`.
 */
import type * as Phaser from 'phaser';
import type { Ghost } from '../../ghost.js';
import { CSS, TEXT, textStyle } from '../../theme.js';
import { GhostStrip } from '../ghost-strip.js';
import type { Heatmap } from '../heatmap.js';
import { drawMarker } from '../heatmap.js';
import type { GhostShown, RunView, RunViewOptions } from './run-view.js';

/** Where the middle panel starts: text left of it belongs to the left panel. */
const MIDDLE_X = 472;

export abstract class PanelView implements RunView {
  /** Lowest point drawn in the left panel: the ghost strip goes under it. */
  protected leftBottom = 0;
  /** The previous era's model, once the scene has handed it in. */
  protected ghost: Ghost | null = null;
  private strip: GhostStrip | null = null;

  constructor(
    protected readonly scene: Phaser.Scene,
    protected readonly o: RunViewOptions,
  ) {}

  abstract build(): Promise<void>;
  abstract refresh(force: boolean, step: number): Promise<void>;

  /** Only a line fit follows the weights' path; the other views ignore it. */
  get followsPath(): boolean {
    return false;
  }

  addPathPoint(_w: number, _b: number): void {}

  restart(): void {}

  /**
   * How the strip paints the old way's predictions over the plane, for a view that has such a
   * picture; null (the default) for a strip of words only.
   */
  protected ghostPaint(): ((map: Heatmap, out: Float32Array) => void) | null {
    return null;
  }

  showGhost(ghost: Ghost, format: (value: number) => string): void {
    this.ghost = ghost;
    this.strip = new GhostStrip(this.scene, {
      x: 32,
      y: this.leftBottom + 12,
      width: 408,
      ghost,
      format,
      paint: this.ghostPaint(),
    });
  }

  followGhost(step: number): void {
    this.strip?.update(step);
  }

  get ghostShown(): GhostShown | null {
    return this.strip ? { ...this.strip.shown } : null;
  }

  /** A panel's title, at the top of the panel. */
  protected title(x: number, text: string): void {
    this.heading(x, 88, text);
  }

  protected heading(x: number, y: number, text: string): void {
    this.scene.add.text(x, y, text, textStyle(TEXT.label, CSS.text, 600));
  }

  /** A caption under a picture; returns its bottom edge, and keeps the left panel's lowest. */
  protected caption(x: number, y: number, text: string, wrap = 404): number {
    const t = this.scene.add
      .text(x, y, text, textStyle(TEXT.small, CSS.textDim))
      .setWordWrapWidth(wrap)
      .setLineSpacing(3);
    const bottom = t.y + t.height;
    if (x < MIDDLE_X) this.leftBottom = Math.max(this.leftBottom, bottom);
    return bottom;
  }

  /**
   * Class markers with their names: the key of the boundary map and of the confusion matrix
   * (with `boundaryCaption`, also what the map's markers and background mean). Without classes,
   * the caption of a map of predicted numbers.
   */
  protected legend(classes: number, y: number, boundaryCaption = true): void {
    const g = this.scene.add.graphics();
    if (!classes) {
      this.caption(
        32,
        y,
        'Background: the network’s prediction at each place, purple low, yellow high. Dots: the training points.',
      );
      return;
    }
    const names = this.o.info.data.classNames;
    let x = 40;
    for (let k = 0; k < Math.min(classes, 7); k++) {
      drawMarker(g, k, x, y + 10, 6);
      const label = this.scene.add.text(
        x + 10,
        y,
        names?.[k] ?? `${k}`,
        textStyle(TEXT.small, CSS.text),
      );
      x += Math.max(58, label.width + 32);
    }
    this.leftBottom = Math.max(this.leftBottom, y + 22);
    if (!boundaryCaption) return;
    this.caption(
      32,
      y + 26,
      'Markers: the true class of each training point (colour and shape). Background: the network’s answer; paler = less sure.',
    );
  }
}

/** The number of classes a task sorts into: 2 for binary, 0 for a number to predict. */
export function classCount(info: RunViewOptions['info']): number {
  const { task, outputs } = info.data;
  return task === 'multiclass' ? outputs : task === 'binary' ? 2 : 0;
}
