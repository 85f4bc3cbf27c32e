/**
 * A canvas texture shown at its own size, painted pixel by pixel (`image-scale.ts`'s tables and
 * tiles) and uploaded once per repaint: the image pictures of the training view (filters,
 * feature maps, the chosen image, the gallery) are each one of these, one quad to draw per frame
 * however many tiles they hold. The texture is given back when the scene shuts down.
 */
import type * as Phaser from 'phaser';
import { COLORS } from '../theme.js';
import { fillRect, type PixelTarget } from './image-scale.js';

let serial = 0;

export class PixelCanvas {
  readonly image: Phaser.GameObjects.Image;
  readonly texture: Phaser.Textures.CanvasTexture;
  readonly key: string;
  private readonly pixels: ImageData;

  constructor(
    private readonly scene: Phaser.Scene,
    x: number,
    y: number,
    readonly width: number,
    readonly height: number,
    background: number = COLORS.panel,
  ) {
    this.key = `pixel-canvas-${++serial}`;
    const texture = scene.textures.createCanvas(this.key, width, height);
    if (!texture) throw new Error(`could not create texture ${this.key}`);
    this.texture = texture;
    this.pixels = texture.getContext().createImageData(width, height);
    this.clear(background);
    this.image = scene.add.image(x, y, this.key).setOrigin(0, 0);
    this.upload();
    scene.events.once('shutdown', this.release);
  }

  /** The RGBA buffer to paint into (uploaded by `upload`). */
  get target(): PixelTarget {
    return { data: this.pixels.data, width: this.width };
  }

  /** Paints the whole canvas one colour. */
  clear(rgb: number): void {
    fillRect(this.target, 0, 0, this.width, this.height, rgb);
  }

  /** Copies the buffer into the texture (one upload, however many tiles were painted). */
  upload(): void {
    this.texture.getContext().putImageData(this.pixels, 0, 0);
    this.texture.refresh();
  }

  private readonly release = (): void => this.destroy();

  destroy(): void {
    this.scene.events.off('shutdown', this.release);
    this.image.destroy();
    if (this.scene.textures.exists(this.key)) this.scene.textures.remove(this.key);
  }
}
