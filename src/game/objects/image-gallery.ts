/**
 * A gallery of test images with the network's answer under each: the predicted class, a bar for
 * how sure it is, and for a wrong answer a vermillion frame AND a ✗ badge (never colour alone).
 * A segmented control sorts it (in order, most sure first, least sure first); tiles slide to
 * their new places. Clicking a tile — or Tab to it and Enter — chooses it for the feature maps;
 * the chosen tile has a blue outline. The pixels never change, so they are painted once into one
 * texture and each tile shows a frame of it.
 */
import * as Phaser from 'phaser';
import { COLORS, CSS, MOTION, TEXT, reducedMotion } from '../theme.js';
import { addText } from '../ui/text.js';
import { Choice } from '../ui/choice.js';
import { FocusManager, type Focusable } from '../ui/focus.js';
import { Tooltip } from '../ui/tooltip.js';
import {
  answersOf,
  galleryOrder,
  shortLabel,
  type Answer,
  type GallerySort,
} from './gallery-order.js';
import { GREY_TABLE, paintTile } from './image-scale.js';
import { PixelCanvas } from './pixel-canvas.js';

export interface ImageGalleryOptions {
  x: number;
  y: number;
  width: number;
  /** Rows of tiles; the columns are 6, or 5 when the class names need the room. */
  rows: number;
  /** Side of one image. */
  tile: number;
  image: { channels: number; height: number; width: number; scale: number };
  classNames: string[];
  /** The split row of the first image, for the tooltips ("test image 12"). */
  start: number;
  /** Called with the gallery index (0-based, in the images' own order) the player chose. */
  onChoose: (index: number) => void;
}

const SORTS: { value: GallerySort; label: string; tooltip: string }[] = [
  { value: 'order', label: 'In order', tooltip: 'Show the test images in their own order' },
  {
    value: 'sure',
    label: 'Sure',
    tooltip: 'Most sure first: the answers the network is surest of',
  },
  {
    value: 'unsure',
    label: 'Unsure',
    tooltip: 'Least sure first: where the network hesitates, and mistakes often hide',
  },
];

interface GalleryTile {
  box: Phaser.GameObjects.Container;
  frame: Phaser.GameObjects.Graphics;
  label: Phaser.GameObjects.Text;
}

export class ImageGallery {
  private canvas: PixelCanvas | null = null;
  private readonly tiles: GalleryTile[] = [];
  private labels: Int32Array = new Int32Array(0);
  private answers: Answer[] = [];
  private sort: GallerySort = 'order';
  /** `order[slot]`: the gallery index shown in that slot. */
  order: number[] = [];
  chosen = 0;
  private readonly shortNames: string[];
  private readonly columns: number;
  readonly sortControl: Choice<GallerySort>;
  /** Top of the tiles and the height of one row of them. */
  private readonly top: number;
  private readonly pitch: { x: number; y: number };

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly o: ImageGalleryOptions,
  ) {
    this.sortControl = new Choice<GallerySort>(scene, {
      x: 0,
      y: o.y,
      options: SORTS,
      value: 'order',
      name: 'gallery order',
      tooltip: 'Sort the gallery by how sure the network is of its answer',
      onChange: (sort) => this.setSort(sort),
    });
    this.sortControl.setX(o.x + o.width - this.sortControl.width);
    this.top = o.y + 46;
    const probe = addText(scene, 0, 0, '', { size: TEXT.small });
    const measure = (t: string): number => probe.setText(t).width;
    const widest = Math.max(...o.classNames.map(measure));
    this.columns = widest <= Math.floor(o.width / 6) - 8 ? 6 : 5;
    this.pitch = { x: Math.floor(o.width / this.columns), y: o.tile + 26 };
    this.shortNames = o.classNames.map((name) => shortLabel(name, this.pitch.x - 8, measure));
    probe.destroy();
  }

  /** How many images the gallery has room for. */
  get capacity(): number {
    return this.columns * this.o.rows;
  }

  /** Height from the sort control to the bottom of the last row. */
  get height(): number {
    return this.top - this.o.y + this.o.rows * this.pitch.y;
  }

  /** The images (stored pixels [count, C·H·W] and true labels): painted once. */
  setImages(pixels: Uint8Array, labels: Int32Array): void {
    const { tile, image } = this.o;
    const count = labels.length;
    const area = image.channels * image.height * image.width;
    this.labels = labels;
    this.canvas = new PixelCanvas(this.scene, 0, 0, Math.max(1, count * tile), tile);
    this.canvas.image.setVisible(false);
    const plane = image.height * image.width;
    const grey = new Float32Array(plane);
    for (let i = 0; i < count; i++) {
      grey.fill(0);
      for (let c = 0; c < image.channels; c++)
        for (let p = 0; p < plane; p++)
          grey[p]! += pixels[i * area + c * plane + p]! / image.channels;
      const map = { values: grey, offset: 0, height: image.height, width: image.width };
      paintTile(this.canvas.target, i * tile, 0, tile, map, GREY_TABLE, 0, 1 / image.scale);
      this.canvas.texture.add(`g${i}`, 0, i * tile, 0, tile, tile);
    }
    this.canvas.upload();
    this.order = Array.from({ length: count }, (_, i) => i);
    for (let i = 0; i < count; i++) this.tiles.push(this.makeTile(i));
    // Tab walks the slots in reading order; each slot stands for the image shown in it.
    const focus = FocusManager.for(this.scene);
    for (let slot = 0; slot < count; slot++) focus.add(this.slotFocus(slot));
    this.layout(false);
  }

  /**
   * The network's answers for the images (`predict`'s probabilities [count, classes]); with
   * `resort`, the tiles move to the order the new answers give (the owner re-sorts now and then,
   * not at every refresh, so the gallery does not swarm while the network learns).
   */
  update(probs: Float32Array, resort: boolean): void {
    this.answers = answersOf(probs, this.o.classNames.length);
    this.tiles.forEach((t, i) => this.paintTile(t, i));
    if (resort) this.relayout();
  }

  /** The answer for gallery image `i`, once known. */
  answer(i: number): Answer | undefined {
    return this.answers[i];
  }

  /** How many shown answers are wrong. */
  get mistakes(): number {
    return this.answers.filter((a, i) => a.guess !== this.labels[i]).length;
  }

  get sortMode(): GallerySort {
    return this.sort;
  }

  /** Chooses image `i` (its outline moves; the owner is told). */
  choose(i: number): void {
    const previous = this.chosen;
    this.chosen = i;
    for (const k of [previous, i]) if (this.tiles[k]) this.paintTile(this.tiles[k]!, k);
    this.o.onChoose(i);
  }

  private setSort(sort: GallerySort): void {
    this.sort = sort;
    this.relayout();
  }

  /** Re-sorts by the current answers and slides tiles whose slot changed. */
  private relayout(): void {
    const next = this.answers.length ? galleryOrder(this.answers, this.sort) : this.order;
    if (next.every((v, i) => v === this.order[i])) return;
    this.order = next;
    this.layout(true);
  }

  private slot(slot: number): { x: number; y: number } {
    const col = slot % this.columns;
    const row = Math.floor(slot / this.columns);
    const inset = (this.pitch.x - this.o.tile) / 2;
    return { x: this.o.x + col * this.pitch.x + inset, y: this.top + row * this.pitch.y };
  }

  private layout(animate: boolean): void {
    const move = animate && !reducedMotion();
    this.order.forEach((index, slot) => {
      const box = this.tiles[index]?.box;
      if (!box) return;
      const at = this.slot(slot);
      this.scene.tweens.killTweensOf(box);
      if (move && (box.x !== at.x || box.y !== at.y)) {
        this.scene.tweens.add({ targets: box, ...at, duration: MOTION.normal, ease: MOTION.ease });
      } else box.setPosition(at.x, at.y);
    });
  }

  /** The keyboard's stop for a slot: it focuses, describes and chooses the image shown there. */
  private slotFocus(slot: number): Focusable {
    const { tile } = this.o;
    const index = (): number => this.order[slot] ?? slot;
    return {
      focusBounds: () => {
        const at = this.slot(slot);
        return new Phaser.Geom.Rectangle(at.x, at.y, tile, tile);
      },
      canFocus: () => this.tiles[index()]?.box.active ?? false,
      activate: () => this.choose(index()),
      tooltipText: () => this.describe(index()),
      focusLabel: () => `gallery image ${this.o.start + index()}`,
      isMoving: () => this.tiles.some((t) => this.scene.tweens.isTweening(t.box)),
    };
  }

  private makeTile(i: number): GalleryTile {
    const { tile } = this.o;
    const scene = this.scene;
    const picture = scene.add.image(0, 0, this.canvas!.key, `g${i}`).setOrigin(0, 0);
    const frame = scene.add.graphics();
    const label = addText(scene, tile / 2, tile + 6, '', { size: TEXT.small }).setOrigin(0.5, 0);
    const zone = scene.add.zone(0, 0, tile, tile + 24).setOrigin(0, 0);
    zone.setInteractive({ useHandCursor: true });
    const box = scene.add.container(0, 0, [picture, frame, label, zone]);
    const bounds = (): Phaser.Geom.Rectangle => new Phaser.Geom.Rectangle(box.x, box.y, tile, tile);
    zone.on('pointerover', () => Tooltip.for(scene).showSoon(this.describe(i), bounds(), zone));
    zone.on('pointerout', () => Tooltip.for(scene).hide(zone));
    zone.on('pointerup', () => {
      Tooltip.for(scene).hide(zone);
      this.choose(i);
    });
    const t = { box, frame, label };
    this.paintTile(t, i);
    return t;
  }

  /** One line for the tile's tooltip: which image, its true class, the answer and how sure. */
  private describe(i: number): string {
    const names = this.o.classNames;
    const truth = names[this.labels[i]!] ?? String(this.labels[i]);
    const a = this.answers[i];
    const head = `Test image ${this.o.start + i}: ${truth}`;
    if (!a) return `${head}. Click to look inside the network`;
    const verdict = a.guess === this.labels[i] ? '✓' : '✗ wrong';
    const answer = `${names[a.guess] ?? a.guess}, ${Math.round(a.confidence * 100)}% sure ${verdict}`;
    return `${head}; the network says ${answer}. Click to look inside`;
  }

  private paintTile(t: GalleryTile, i: number): void {
    const { tile } = this.o;
    const a = this.answers[i];
    const wrong = a !== undefined && a.guess !== this.labels[i];
    const g = t.frame.clear();
    if (i === this.chosen) g.lineStyle(2, COLORS.data, 1).strokeRect(-4, -4, tile + 8, tile + 8);
    if (wrong) {
      g.lineStyle(3, COLORS.warning, 1).strokeRect(-0.5, -0.5, tile + 1, tile + 1);
      // The ✗ badge in the top-right corner: a symbol as well as a colour.
      const bx = tile - 2;
      const by = 2;
      g.fillStyle(COLORS.warning, 1).fillCircle(bx, by, 7);
      g.lineStyle(2, COLORS.text, 1);
      g.lineBetween(bx - 3, by - 3, bx + 3, by + 3).lineBetween(bx - 3, by + 3, bx + 3, by - 3);
    } else g.lineStyle(1, COLORS.line, 1).strokeRect(-0.5, -0.5, tile + 1, tile + 1);
    if (a) {
      // How sure: a bar under the image, full width at 100%.
      g.fillStyle(COLORS.line, 1).fillRect(0, tile + 2, tile, 3);
      g.fillStyle(wrong ? COLORS.warning : COLORS.textDim, 1);
      g.fillRect(0, tile + 2, Math.max(1, tile * a.confidence), 3);
    }
    const text = a ? (this.shortNames[a.guess] ?? String(a.guess)) : '…';
    if (t.label.text !== text) t.label.setText(text);
    t.label.setColor(wrong ? CSS.warning : CSS.text);
  }
}
