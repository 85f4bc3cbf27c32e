/**
 * A square heatmap drawn into a canvas texture: the decision-boundary picture of a 2-D task and
 * each small per-neuron map. Values arrive as a row-major grid (row 0 at the top, i.e. the
 * largest y), already turned into colours by the caller's scale, so the same class serves the
 * viridis and the diverging maps. Optional data points are drawn on top with a colour AND a
 * shape per class, so the picture never relies on colour alone.
 */
import * as Phaser from 'phaser';
import { COLORS } from '../theme.js';

/** Okabe–Ito colours for classes: distinguishable with every common colour-vision deficiency. */
export const CLASS_COLORS = [0x56b4e9, 0xe69f00, 0x009e73, 0xf0e442, 0x0072b2, 0xd55e00, 0xcc79a7];

/** Class marker shapes, in the same order; the k-th class always gets the k-th shape. */
export const CLASS_SHAPES = [
  'circle',
  'triangle',
  'square',
  'diamond',
  'cross',
  'star',
  'ring',
] as const;

/** A 2-D view window: which (x, y) region of the data the grid covers. */
export interface Extent {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

export interface HeatmapOptions {
  x: number;
  y: number;
  /** Side in design pixels. */
  size: number;
  /** Grid cells per side; the texture is this many pixels and is scaled up smoothly. */
  resolution: number;
  /** Draw a thin frame around the map. */
  frame?: boolean;
}

let serial = 0;

/** Builds the grid of (x, y) rows a trainer's `predict`/`probe` takes for this extent. */
export function gridInputs(extent: Extent, resolution: number): Float32Array {
  const out = new Float32Array(resolution * resolution * 2);
  const dx = (extent.xMax - extent.xMin) / (resolution - 1);
  const dy = (extent.yMax - extent.yMin) / (resolution - 1);
  for (let r = 0; r < resolution; r++) {
    for (let c = 0; c < resolution; c++) {
      const i = (r * resolution + c) * 2;
      out[i] = extent.xMin + c * dx;
      out[i + 1] = extent.yMax - r * dy;
    }
  }
  return out;
}

/** The bounding box of 2-D points with a margin, squared up so the map is not stretched. */
export function extentOf(x: ArrayLike<number>, margin = 0.15): Extent {
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let i = 0; i + 1 < x.length; i += 2) {
    xMin = Math.min(xMin, x[i]!);
    xMax = Math.max(xMax, x[i]!);
    yMin = Math.min(yMin, x[i + 1]!);
    yMax = Math.max(yMax, x[i + 1]!);
  }
  return extentOfBounds([xMin, yMin], [xMax, yMax], margin);
}

/** The same box from each coordinate's smallest and largest value (a data preview's bounds). */
export function extentOfBounds(
  min: readonly number[],
  max: readonly number[],
  margin = 0.15,
): Extent {
  const [xMin, yMin] = [min[0] ?? Infinity, min[1] ?? Infinity];
  const [xMax, yMax] = [max[0] ?? -Infinity, max[1] ?? -Infinity];
  if (!Number.isFinite(xMin) || !Number.isFinite(yMin)) {
    return { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
  }
  const half = (Math.max(xMax - xMin, yMax - yMin, 1e-6) * (1 + 2 * margin)) / 2;
  const cx = (xMin + xMax) / 2;
  const cy = (yMin + yMax) / 2;
  return { xMin: cx - half, xMax: cx + half, yMin: cy - half, yMax: cy + half };
}

/** Draws one class marker centred at (x, y); used by heatmaps and legends alike. */
export function drawMarker(
  g: Phaser.GameObjects.Graphics,
  cls: number,
  x: number,
  y: number,
  r: number,
): void {
  const k = ((cls % CLASS_COLORS.length) + CLASS_COLORS.length) % CLASS_COLORS.length;
  g.fillStyle(CLASS_COLORS[k]!, 1);
  g.lineStyle(1.5, COLORS.background, 1);
  switch (CLASS_SHAPES[k]) {
    case 'circle':
      g.fillCircle(x, y, r).strokeCircle(x, y, r);
      break;
    case 'triangle':
      g.fillTriangle(x, y - r * 1.2, x - r * 1.1, y + r * 0.8, x + r * 1.1, y + r * 0.8);
      g.strokeTriangle(x, y - r * 1.2, x - r * 1.1, y + r * 0.8, x + r * 1.1, y + r * 0.8);
      break;
    case 'square':
      g.fillRect(x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8);
      g.strokeRect(x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8);
      break;
    case 'diamond': {
      const pts = [x, y - r * 1.2, x + r * 1.2, y, x, y + r * 1.2, x - r * 1.2, y];
      g.beginPath();
      g.moveTo(pts[0]!, pts[1]!);
      for (let i = 2; i < pts.length; i += 2) g.lineTo(pts[i]!, pts[i + 1]!);
      g.closePath().fillPath().strokePath();
      break;
    }
    case 'cross':
      g.fillRect(x - r * 1.1, y - r * 0.4, r * 2.2, r * 0.8);
      g.fillRect(x - r * 0.4, y - r * 1.1, r * 0.8, r * 2.2);
      break;
    case 'star':
      g.fillTriangle(x, y - r * 1.3, x - r * 1.1, y + r * 0.7, x + r * 1.1, y + r * 0.7);
      g.fillTriangle(x, y + r * 1.3, x - r * 1.1, y - r * 0.7, x + r * 1.1, y - r * 0.7);
      break;
    default:
      g.lineStyle(2.5, CLASS_COLORS[k]!, 1).strokeCircle(x, y, r);
  }
}

/** The same markers on a 2-D canvas: static point layers are painted once into a texture. */
export function drawMarkerCtx(
  ctx: CanvasRenderingContext2D,
  cls: number,
  x: number,
  y: number,
  r: number,
  outline: number = COLORS.background,
): void {
  const k = ((cls % CLASS_COLORS.length) + CLASS_COLORS.length) % CLASS_COLORS.length;
  const hex = (c: number): string => `#${c.toString(16).padStart(6, '0')}`;
  ctx.fillStyle = hex(CLASS_COLORS[k]!);
  ctx.strokeStyle = hex(outline);
  ctx.lineWidth = outline === COLORS.background ? 1.5 : 3;
  ctx.beginPath();
  const poly = (pts: number[]): void => {
    ctx.moveTo(x + pts[0]! * r, y + pts[1]! * r);
    for (let i = 2; i < pts.length; i += 2) ctx.lineTo(x + pts[i]! * r, y + pts[i + 1]! * r);
    ctx.closePath();
  };
  switch (CLASS_SHAPES[k]) {
    case 'circle':
      ctx.arc(x, y, r, 0, 2 * Math.PI);
      break;
    case 'triangle':
      poly([0, -1.2, 1.1, 0.8, -1.1, 0.8]);
      break;
    case 'square':
      poly([-0.9, -0.9, 0.9, -0.9, 0.9, 0.9, -0.9, 0.9]);
      break;
    case 'diamond':
      poly([0, -1.2, 1.2, 0, 0, 1.2, -1.2, 0]);
      break;
    case 'cross':
      poly([
        -0.4, -1.1, 0.4, -1.1, 0.4, -0.4, 1.1, -0.4, 1.1, 0.4, 0.4, 0.4, 0.4, 1.1, -0.4, 1.1, -0.4,
        0.4, -1.1, 0.4, -1.1, -0.4, -0.4, -0.4,
      ]);
      break;
    case 'star':
      poly([
        0, -1.3, 0.35, -0.45, 1.2, -0.4, 0.55, 0.2, 0.75, 1.1, 0, 0.6, -0.75, 1.1, -0.55, 0.2, -1.2,
        -0.4, -0.35, -0.45,
      ]);
      break;
    default:
      ctx.arc(x, y, r, 0, 2 * Math.PI);
      ctx.fillStyle = 'transparent';
      ctx.strokeStyle = hex(CLASS_COLORS[k]!);
      ctx.lineWidth = 2.5;
  }
  ctx.fill();
  ctx.stroke();
}

/** Pixels per design pixel of the point layer, so markers stay crisp when the game is scaled up. */
const POINT_SCALE = 2;

/** One heatmap: a smoothly scaled canvas texture plus a point layer and a frame. */
export class Heatmap {
  readonly image: Phaser.GameObjects.Image;
  private readonly frame: Phaser.GameObjects.Graphics | null = null;
  private readonly texture: Phaser.Textures.CanvasTexture;
  private readonly pixels: ImageData;
  private readonly key: string;
  private pointsImage: Phaser.GameObjects.Image | null = null;

  constructor(
    private readonly scene: Phaser.Scene,
    readonly options: HeatmapOptions,
  ) {
    const { x, y, size, resolution } = options;
    this.key = `heatmap-${++serial}`;
    const texture = scene.textures.createCanvas(this.key, resolution, resolution);
    if (!texture) throw new Error(`could not create texture ${this.key}`);
    this.texture = texture;
    this.pixels = texture.getContext().createImageData(resolution, resolution);
    this.image = scene.add.image(x, y, this.key).setOrigin(0, 0).setDisplaySize(size, size);
    if (options.frame !== false) {
      this.frame = scene.add
        .graphics()
        .lineStyle(1, COLORS.line, 1)
        .strokeRect(x - 0.5, y - 0.5, size + 1, size + 1);
    }
    this.fill(() => COLORS.panelRaised);
    // Textures outlive scenes: a map left at shutdown gives its own back.
    scene.events.once('shutdown', this.release);
  }

  private readonly release = (): void => this.destroy();

  /** Paints every cell with `colorAt(row, col)` (0xRRGGBB) and uploads the texture once. */
  fill(colorAt: (row: number, col: number) => number): void {
    const n = this.options.resolution;
    const data = this.pixels.data;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const rgb = colorAt(r, c);
        const i = (r * n + c) * 4;
        data[i] = (rgb >> 16) & 255;
        data[i + 1] = (rgb >> 8) & 255;
        data[i + 2] = rgb & 255;
        data[i + 3] = 255;
      }
    }
    this.texture.getContext().putImageData(this.pixels, 0, 0);
    this.texture.refresh();
  }

  /**
   * Draws data points [n, 2] with class labels (or null for one plain colour) over the map, and
   * `test` points, if given, with a white outline (Playground's "show test data"). The points do
   * not move while training, so they are painted once into their own texture: one quad per
   * frame instead of hundreds of shapes.
   */
  plotPoints(
    x: ArrayLike<number>,
    classes: ArrayLike<number> | null,
    extent: Extent,
    r = 3.5,
    test: { x: ArrayLike<number>; classes: ArrayLike<number> | null } | null = null,
  ): void {
    const { x: left, y: top, size } = this.options;
    const key = `${this.key}-points`;
    if (this.scene.textures.exists(key)) this.scene.textures.remove(key);
    this.pointsImage?.destroy();
    const side = size * POINT_SCALE;
    const texture = this.scene.textures.createCanvas(key, side, side);
    if (!texture) return;
    const ctx = texture.getContext();
    const paint = (
      xs: ArrayLike<number>,
      cls: ArrayLike<number> | null,
      outline: number = COLORS.background,
    ): void => {
      for (let i = 0; i < xs.length / 2; i++) {
        const px = ((xs[2 * i]! - extent.xMin) / (extent.xMax - extent.xMin)) * side;
        const py = ((extent.yMax - xs[2 * i + 1]!) / (extent.yMax - extent.yMin)) * side;
        if (px < 0 || px > side || py < 0 || py > side) continue;
        drawMarkerCtx(ctx, cls ? cls[i]! : 0, px, py, r * POINT_SCALE, outline);
      }
    };
    paint(x, classes);
    if (test) paint(test.x, test.classes, COLORS.text);
    texture.refresh();
    this.pointsImage = this.scene.add
      .image(left, top, key)
      .setOrigin(0, 0)
      .setDisplaySize(size, size);
  }

  /** Removes the textures too, so scenes can rebuild maps without leaking GPU memory. */
  destroy(): void {
    this.scene.events.off('shutdown', this.release);
    this.image.destroy();
    this.frame?.destroy();
    this.pointsImage?.destroy();
    const textures = this.scene.textures;
    for (const key of [this.key, `${this.key}-points`]) {
      if (textures.exists(key)) textures.remove(key);
    }
  }
}
