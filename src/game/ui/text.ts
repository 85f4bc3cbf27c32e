/**
 * Text in the game's typeface at double resolution, so it stays crisp when `Scale.FIT` enlarges
 * the 1280×720 canvas to a bigger window. Every scene and widget makes its text here.
 */
import type * as Phaser from 'phaser';
import { CSS, TEXT, textStyle } from '../theme.js';

export interface TextOptions {
  size?: number;
  color?: string;
  weight?: 400 | 600;
  /** Wrap at this width (design pixels). */
  wrap?: number;
  align?: 'left' | 'center' | 'right';
  /** Extra line spacing in pixels. */
  lineSpacing?: number;
}

/** Adds a text object at (x, y) with the theme's style. */
export function addText(
  scene: Phaser.Scene,
  x: number,
  y: number,
  text: string,
  options: TextOptions = {},
): Phaser.GameObjects.Text {
  const style: Phaser.Types.GameObjects.Text.TextStyle = {
    ...textStyle(options.size ?? TEXT.body, options.color ?? CSS.text, options.weight ?? 400),
    resolution: 2,
    align: options.align ?? 'left',
  };
  if (options.wrap) style.wordWrap = { width: options.wrap, useAdvancedWrap: true };
  const object = scene.add.text(x, y, text, style);
  if (options.lineSpacing) object.setLineSpacing(options.lineSpacing);
  return object;
}
