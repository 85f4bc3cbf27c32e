/**
 * Small icons drawn with Phaser Graphics, so the game ships no art files. Each icon is drawn
 * centred on (x, y) inside a square of side `size`, in one colour. Widgets (buttons, the lock on
 * a slider, notices) and scenes (stars on the map and in the result) share them, so one icon
 * always looks the same everywhere.
 */
import type * as Phaser from 'phaser';

/** The icons the kit knows by name. */
export type IconName =
  | 'play'
  | 'pause'
  | 'step'
  | 'reset'
  | 'back'
  | 'next'
  | 'lock'
  | 'star'
  | 'star-empty'
  | 'sound-on'
  | 'sound-off'
  | 'map'
  | 'close'
  | 'check'
  | 'info'
  | 'warning'
  | 'plus'
  | 'minus'
  | 'build';

/**
 * The unit five-pointed star (outer radius 1, inner 0.382), starting at the top and going
 * clockwise. Precomputed, because `Math.sin`/`Math.cos` are reserved for the kernel.
 */
const STAR: readonly (readonly [number, number])[] = [
  [0, -1],
  [0.2245, -0.309],
  [0.9511, -0.309],
  [0.3633, 0.118],
  [0.5878, 0.809],
  [0, 0.382],
  [-0.5878, 0.809],
  [-0.3633, 0.118],
  [-0.9511, -0.309],
  [-0.2245, -0.309],
];

/** Phaser's point lists only read x and y; plain objects avoid allocating Vector2s. */
function pts(list: { x: number; y: number }[]): Phaser.Math.Vector2[] {
  return list as Phaser.Math.Vector2[];
}

/** Points of a star of outer radius `r` centred on (x, y), for fillPoints/strokePoints. */
export function starPoints(x: number, y: number, r: number): Phaser.Math.Vector2[] {
  return pts(STAR.map(([px, py]) => ({ x: x + px * r, y: y + py * r })));
}

/** Draws `icon` centred on (x, y) in a `size`×`size` box, in `color`. */
export function drawIcon(
  g: Phaser.GameObjects.Graphics,
  icon: IconName,
  x: number,
  y: number,
  size: number,
  color: number,
  alpha = 1,
): void {
  const s = size / 2;
  const line = Math.max(2, size / 9);
  g.fillStyle(color, alpha);
  g.lineStyle(line, color, alpha);
  switch (icon) {
    case 'play':
      g.fillTriangle(x - s * 0.55, y - s * 0.75, x - s * 0.55, y + s * 0.75, x + s * 0.75, y);
      break;
    case 'pause':
      g.fillRect(x - s * 0.6, y - s * 0.7, s * 0.4, s * 1.4);
      g.fillRect(x + s * 0.2, y - s * 0.7, s * 0.4, s * 1.4);
      break;
    case 'step':
      g.fillTriangle(x - s * 0.7, y - s * 0.7, x - s * 0.7, y + s * 0.7, x + s * 0.3, y);
      g.fillRect(x + s * 0.35, y - s * 0.7, s * 0.3, s * 1.4);
      break;
    case 'reset':
      g.beginPath();
      g.arc(x, y, s * 0.62, -2.2, 2.6, false);
      g.strokePath();
      g.fillTriangle(
        x - s * 0.85,
        y - s * 0.75,
        x - s * 0.1,
        y - s * 0.55,
        x - s * 0.55,
        y - s * 0.05,
      );
      break;
    case 'back':
      g.fillTriangle(x - s * 0.8, y, x - s * 0.1, y - s * 0.7, x - s * 0.1, y + s * 0.7);
      g.fillRect(x - s * 0.2, y - s * 0.2, s, s * 0.4);
      break;
    case 'next':
      g.fillTriangle(x + s * 0.8, y, x + s * 0.1, y - s * 0.7, x + s * 0.1, y + s * 0.7);
      g.fillRect(x - s * 0.8, y - s * 0.2, s, s * 0.4);
      break;
    case 'lock':
      g.fillRoundedRect(x - s * 0.65, y - s * 0.1, s * 1.3, s * 0.95, s * 0.15);
      g.lineStyle(Math.max(2, size / 8), color, alpha);
      g.beginPath();
      g.arc(x, y - s * 0.15, s * 0.4, Math.PI, 0, false);
      g.strokePath();
      g.lineBetween(x - s * 0.4, y - s * 0.15, x - s * 0.4, y - s * 0.05);
      g.lineBetween(x + s * 0.4, y - s * 0.15, x + s * 0.4, y - s * 0.05);
      break;
    case 'star':
      g.fillPoints(starPoints(x, y + s * 0.05, s * 0.95), true);
      break;
    case 'star-empty':
      g.lineStyle(Math.max(1.5, size / 14), color, alpha);
      g.strokePoints(starPoints(x, y + s * 0.05, s * 0.9), true);
      break;
    case 'sound-on':
    case 'sound-off':
      g.fillRect(x - s * 0.8, y - s * 0.3, s * 0.4, s * 0.6);
      g.fillTriangle(x - s * 0.45, y - s * 0.3, x, y - s * 0.8, x, y + s * 0.8);
      g.fillTriangle(x - s * 0.45, y + s * 0.3, x, y + s * 0.8, x - s * 0.45, y - s * 0.3);
      if (icon === 'sound-on') {
        g.beginPath();
        g.arc(x + s * 0.1, y, s * 0.45, -0.8, 0.8, false);
        g.strokePath();
        g.beginPath();
        g.arc(x + s * 0.1, y, s * 0.8, -0.8, 0.8, false);
        g.strokePath();
      } else {
        g.lineBetween(x + s * 0.25, y - s * 0.35, x + s * 0.85, y + s * 0.35);
        g.lineBetween(x + s * 0.25, y + s * 0.35, x + s * 0.85, y - s * 0.35);
      }
      break;
    case 'map':
      g.strokePoints(
        pts([
          { x: x - s * 0.85, y: y - s * 0.55 },
          { x: x - s * 0.3, y: y - s * 0.8 },
          { x: x + s * 0.3, y: y - s * 0.55 },
          { x: x + s * 0.85, y: y - s * 0.8 },
          { x: x + s * 0.85, y: y + s * 0.55 },
          { x: x + s * 0.3, y: y + s * 0.8 },
          { x: x - s * 0.3, y: y + s * 0.55 },
          { x: x - s * 0.85, y: y + s * 0.8 },
        ]),
        true,
      );
      g.lineBetween(x - s * 0.3, y - s * 0.8, x - s * 0.3, y + s * 0.55);
      g.lineBetween(x + s * 0.3, y - s * 0.55, x + s * 0.3, y + s * 0.8);
      break;
    case 'close':
      g.lineBetween(x - s * 0.6, y - s * 0.6, x + s * 0.6, y + s * 0.6);
      g.lineBetween(x - s * 0.6, y + s * 0.6, x + s * 0.6, y - s * 0.6);
      break;
    case 'check':
      g.strokePoints(
        pts([
          { x: x - s * 0.7, y },
          { x: x - s * 0.2, y: y + s * 0.5 },
          { x: x + s * 0.7, y: y - s * 0.6 },
        ]),
        false,
      );
      break;
    case 'info':
      g.strokeCircle(x, y, s * 0.85);
      g.fillRect(x - line / 2, y - s * 0.1, line, s * 0.55);
      g.fillCircle(x, y - s * 0.4, line * 0.7);
      break;
    case 'warning':
      g.strokeTriangle(x, y - s * 0.85, x - s * 0.9, y + s * 0.75, x + s * 0.9, y + s * 0.75);
      g.fillRect(x - line / 2, y - s * 0.35, line, s * 0.6);
      g.fillCircle(x, y + s * 0.45, line * 0.7);
      break;
    case 'plus':
      g.fillRect(x - s * 0.7, y - line / 2, s * 1.4, line);
      g.fillRect(x - line / 2, y - s * 0.7, line, s * 1.4);
      break;
    case 'minus':
      g.fillRect(x - s * 0.7, y - line / 2, s * 1.4, line);
      break;
    case 'build':
      // Three stacked blocks: the workbench.
      g.fillRoundedRect(x - s * 0.8, y + s * 0.25, s * 1.6, s * 0.5, s * 0.12);
      g.fillRoundedRect(x - s * 0.6, y - s * 0.3, s * 1.2, s * 0.45, s * 0.12);
      g.fillRoundedRect(x - s * 0.35, y - s * 0.8, s * 0.7, s * 0.4, s * 0.12);
      break;
  }
}
