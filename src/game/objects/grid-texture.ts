/**
 * A rectangle of cells painted pixel by pixel into one canvas texture: the sequence pictures'
 * heatmaps (a hidden state over time, a gate, the gradient-health strip). Painting happens only
 * when the caller has new values (a refresh), and costs one upload; every frame in between draws
 * one quad. Cells are blocks of pixels, so they stay crisp whatever the renderer's filtering.
 */
import type * as Phaser from 'phaser';
import { COLORS } from '../theme.js';
import type { ColorTable } from './image-scale.js';
import { paintGrid } from './sequence-figures.js';

let serial = 0;

export class GridTexture {
  readonly image: Phaser.GameObjects.Image;
  private readonly texture: Phaser.Textures.CanvasTexture;
  private readonly pixels: ImageData;
  private readonly key: string;
  private readonly frame: Phaser.GameObjects.Graphics;

  constructor(
    private readonly scene: Phaser.Scene,
    readonly x: number,
    readonly y: number,
    readonly width: number,
    readonly height: number,
  ) {
    this.key = `grid-${++serial}`;
    const w = Math.max(1, Math.round(width));
    const h = Math.max(1, Math.round(height));
    const texture = scene.textures.createCanvas(this.key, w, h);
    if (!texture) throw new Error(`could not create texture ${this.key}`);
    this.texture = texture;
    this.pixels = texture.getContext().createImageData(w, h);
    this.image = scene.add.image(x, y, this.key).setOrigin(0, 0);
    this.frame = scene.add
      .graphics()
      .lineStyle(1, COLORS.line, 1)
      .strokeRect(x - 0.5, y - 0.5, w + 1, h + 1);
    this.clear();
    scene.events.once('shutdown', this.release);
  }

  private readonly release = (): void => this.destroy();

  /** Paints the whole texture one colour (nothing to show yet). */
  clear(rgb: number = COLORS.panelRaised, upload = true): void {
    const d = this.pixels.data;
    for (let i = 0; i < d.length; i += 4) {
      d[i] = (rgb >> 16) & 255;
      d[i + 1] = (rgb >> 8) & 255;
      d[i + 2] = rgb & 255;
      d[i + 3] = 255;
    }
    if (upload) this.upload();
  }

  /**
   * Paints `rows` × `cols` cells over the first `fraction` of the width (the health strip fills
   * from the left), the rest left blank; returns the mean level painted.
   */
  paint(
    rows: number,
    cols: number,
    levelAt: (r: number, c: number) => number,
    table: ColorTable,
    fraction = 1,
  ): number {
    const { width: w, height: h } = this.pixels;
    const used = Math.max(1, Math.min(w, Math.round(w * fraction)));
    if (used < w) this.clear(COLORS.panelRaised, false);
    const mean = paintGrid(
      { data: this.pixels.data, width: w },
      0,
      0,
      used,
      h,
      rows,
      cols,
      levelAt,
      table,
    );
    this.upload();
    return mean;
  }

  private upload(): void {
    this.texture.getContext().putImageData(this.pixels, 0, 0);
    this.texture.refresh();
  }

  destroy(): void {
    this.scene.events.off('shutdown', this.release);
    this.image.destroy();
    this.frame.destroy();
    if (this.scene.textures.exists(this.key)) this.scene.textures.remove(this.key);
  }
}
