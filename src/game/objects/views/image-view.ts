/**
 * The pictures of the Training view for image data, apart from the loss chart (a `RunView`, as
 * for every other kind of data). Left panel: one chosen test image and, under it, the feature
 * maps of every convolution and pooling layer, with the receptive field of the hovered cell
 * drawn on the image. Right panel: a gallery of test images with the network's answers
 * (sortable by how sure it is; a click chooses the image for the feature maps) and the
 * confusion matrix over validation images with the class names. Middle panel, under the loss:
 * the first layer's filters (a dense first layer's weights as images when there is no
 * convolution). On a level, the previous era's model goes under the feature maps, as a strip of
 * words (it has no picture of its own).
 *
 * Each refresh is one worker round trip (filters, probe, gallery and validation predictions sent
 * at once), at most every REFRESH_MS; the validation predictions, the costliest, every
 * CONFUSION_MS and on forced refreshes. Everything is painted into canvas textures.
 */
import type * as Phaser from 'phaser';
import { reportPictures, services, type PicturesShown } from '../../services.js';
import { CSS, TEXT } from '../../theme.js';
import { addText } from '../../ui/text.js';
import { confusionCounts } from '../confusion.js';
import { FeatureMaps, type MapCell } from '../feature-maps.js';
import { FilterTiles } from '../filter-tiles.js';
import { spreadRows, type GallerySort } from '../gallery-order.js';
import { ImageGallery } from '../image-gallery.js';
import { filterWeights, mapLayers } from '../map-layers.js';
import { NamedConfusion } from '../named-confusion.js';
import type { PixelSpan } from '../receptive-field.js';
import { PanelView } from './panel-view.js';

const REFRESH_MS = 250;
const CONFUSION_MS = 1000;
/** How often a sorted gallery follows the answers (tiles slide; not at every refresh). */
const RESORT_MS = 3000;
/**
 * The multiply-adds one validation refresh may cost (its rows are this over one row's MACs,
 * within CONFUSION_ROWS), and how often it comes (CONFUSION_MS, or as much less often as the
 * fewest rows cost more).
 */
const CONFUSION_MACS = 60_000_000;
const CONFUSION_ROWS = { min: 100, max: 1000 };

/** What the image pictures show, for the browser tests' hook (`pictures.images`). */
export interface ImagesShown {
  step: number;
  /** The gallery image (= test split row) the feature maps are of. */
  chosen: number;
  filters: { tensor: string; count: number; sum: number; meanAbs: number } | null;
  /** Per feature-map row: its tensor, label, shape and mean painted level (0..255). */
  maps: { tensor: string; label: string; shape: number[]; level: number }[];
  gallery: { sort: GallerySort; order: number[]; guesses: number[]; mistakes: number };
  confusion: { rows: number; correct: number } | null;
  /** The receptive field drawn now (hovered or keyboard cell), or null. */
  field: (MapCell & PixelSpan) | null;
}

/** The hook's pictures with the image views' part. */
export interface ImagePicturesShown extends Partial<PicturesShown> {
  images: ImagesShown;
}

export class ImageView extends PanelView {
  private maps: FeatureMaps | null = null;
  private mapNames: string[] = [];
  private filters: FilterTiles | null = null;
  private filterTensor: string | null = null;
  private gallery: ImageGallery | null = null;
  private galleryInputs: Float32Array | null = null;
  private galleryLabels: Int32Array = new Int32Array(0);
  private galleryPixels: Uint8Array = new Uint8Array(0);
  private confusion: NamedConfusion | null = null;
  private validation: { inputs: Float32Array; labels: Int32Array } | null = null;
  private step = 0;
  private busy = false;
  private again: { force: boolean } | null = null;
  private timer: Phaser.Time.TimerEvent | null = null;
  private last = -Infinity;
  private lastConfusion = -Infinity;
  private lastSort = -Infinity;
  private confusionEvery = CONFUSION_MS;
  private shown: ImagesShown = {
    step: 0,
    chosen: 0,
    filters: null,
    maps: [],
    gallery: { sort: 'order', order: [], guesses: [], mistakes: 0 },
    confusion: null,
    field: null,
  };

  async build(): Promise<void> {
    const { info, spec } = this.o;
    const image = info.data.image;
    if (!image) throw new Error('ImageView needs image data');
    const trainer = services().trainer;
    const classes = info.data.outputs;
    const names = info.data.classNames ?? Array.from({ length: classes }, (_, k) => String(k));

    // Left panel: the chosen image and the feature maps.
    this.heading(32, 88, 'Inside the network, for one test image');
    const tensors = new Set(info.tensors.map((t) => t.name));
    const layers = mapLayers(spec.layers, info.summary, tensors);
    this.mapNames = layers.map((l) => l.tensor);
    this.leftBottom = this.o.level ? 590 : 694;
    this.maps = new FeatureMaps(this.scene, {
      x: 32,
      y: 122,
      width: 408,
      bottom: this.leftBottom,
      image,
      layers,
      onMark: () => this.report(),
    });
    if (!layers.length) {
      addText(
        this.scene,
        32,
        260,
        `This network has no convolution or pooling layer: it reads the image as one list of ${info.data.inputs} numbers, so there are no feature maps to show.`,
        { size: TEXT.small, color: CSS.textDim, wrap: 408 },
      );
    }

    // Right panel: the gallery and the confusion matrix.
    this.heading(900, 88, 'Test images');
    this.gallery = new ImageGallery(this.scene, {
      x: 900,
      y: 84,
      width: 348,
      rows: 4,
      tile: 44,
      image,
      classNames: names,
      start: 0,
      onChoose: (i) => void this.choose(i),
    });
    const nv = info.data.rows.validation;
    const macs = Math.max(
      1,
      info.summary.reduce((a, r) => a + r.macs, 0),
    );
    const want = Math.round(
      Math.min(nv, CONFUSION_ROWS.max, Math.max(CONFUSION_ROWS.min, CONFUSION_MACS / macs)),
    );
    const [shown, val] = await Promise.all([
      trainer.images('test', 0, this.gallery.capacity),
      nv > 0 ? trainer.images('validation', 0, nv) : null,
    ]);
    this.galleryInputs = shown.inputs;
    this.galleryLabels = shown.labels;
    this.galleryPixels = shown.pixels;
    this.gallery.setImages(shown.pixels, shown.labels);
    if (val) {
      // An even spread over the split: a stored split may be grouped by class.
      const rows = spreadRows(val.labels.length, want);
      const width = info.data.inputs;
      const inputs = new Float32Array(rows.length * width);
      rows.forEach((r, i) =>
        inputs.set(val.inputs.subarray(r * width, (r + 1) * width), i * width),
      );
      this.validation = { inputs, labels: Int32Array.from(rows, (r) => val.labels[r]!) };
      // A network too costly for CONFUSION_MACS a second at the fewest rows is asked less often.
      this.confusionEvery = CONFUSION_MS * Math.max(1, (rows.length * macs) / CONFUSION_MACS);
      this.confusion = new NamedConfusion(this.scene, {
        x: 900,
        width: 348,
        y: 84 + this.gallery.height + 4,
        bottom: 700,
        names,
        rows: rows.length,
        total: nv,
      });
    }

    // Middle panel, under the loss: the first layer's filters.
    const shapes = new Map(info.tensors.map((t) => [t.name, t.shape]));
    const weights = filterWeights(spec.layers, info.summary, shapes, image);
    if (weights) {
      this.heading(488, 540, weights.title);
      this.filterTensor = weights.tensor;
      this.filters = new FilterTiles(this.scene, {
        x: 488,
        y: 566,
        width: 364,
        height: 100,
        ...weights,
      });
      this.shown.filters = { tensor: weights.tensor, count: weights.count, sum: 0, meanAbs: 0 };
    }
    void this.choose(0, false);
  }

  /**
   * Redraws from the worker: filters, feature maps of the chosen image, the gallery's answers
   * and (now and then) the validation answers, all requested at once: one round trip.
   */
  async refresh(force: boolean, step: number): Promise<void> {
    this.step = step;
    if (this.busy) {
      this.again = { force: force || (this.again?.force ?? false) };
      return;
    }
    const now = performance.now();
    if (!force && now - this.last < REFRESH_MS) {
      // Too soon: a refresh later shows where the run got to, even if it pauses meanwhile.
      this.timer ??= this.scene.time.delayedCall(REFRESH_MS - (now - this.last), () => {
        this.timer = null;
        void this.refresh(false, this.step);
      });
      return;
    }
    this.busy = true;
    this.last = now;
    try {
      const trainer = services().trainer;
      const withConfusion =
        this.validation && (force || now - this.lastConfusion >= this.confusionEvery);
      const chosen = this.chosenInputs();
      const [weights, acts, answers, val] = await Promise.all([
        this.filters && this.filterTensor ? trainer.read(this.filterTensor) : null,
        this.mapNames.length && chosen ? trainer.probe(chosen, this.mapNames) : null,
        this.galleryInputs ? trainer.predict(this.galleryInputs) : null,
        withConfusion ? trainer.predict(this.validation!.inputs) : null,
      ]);
      if (!this.scene.scene.isActive()) return;
      if (weights && this.filters) {
        const { sum, meanAbs } = this.filters.update(weights as Float32Array);
        this.shown.filters = { ...this.shown.filters!, sum, meanAbs };
      }
      if (acts) this.paintMaps(acts);
      if (answers && this.gallery) {
        const resort = force || now - this.lastSort >= RESORT_MS;
        if (resort) this.lastSort = now;
        this.gallery.update(answers, resort);
        this.showAnswer();
      }
      if (val && this.confusion && this.validation) {
        this.lastConfusion = now;
        const counts = confusionCounts(this.validation.labels, val, this.o.info.data.outputs);
        this.confusion.update(counts);
        const correct = counts.reduce((a, row, k) => a + row[k]!, 0);
        this.shown.confusion = { rows: this.validation.labels.length, correct };
      }
      this.shown.step = step;
      this.report();
    } finally {
      this.busy = false;
      const again = this.again;
      this.again = null;
      if (again && this.scene.scene.isActive()) void this.refresh(again.force, this.step);
    }
  }

  /** Chooses gallery image `i` for the feature maps; with `probe`, asks the worker at once. */
  private async choose(i: number, probe = true): Promise<void> {
    this.shown.chosen = i;
    const area = this.o.info.data.inputs;
    this.maps?.setInput(this.galleryPixels.subarray(i * area, (i + 1) * area));
    this.showAnswer();
    this.report();
    const chosen = this.chosenInputs();
    if (!probe || !chosen || !this.mapNames.length) return;
    const acts = await services().trainer.probe(chosen, this.mapNames);
    if (!this.scene.scene.isActive() || this.shown.chosen !== i) return;
    this.paintMaps(acts);
    this.report();
  }

  private chosenInputs(): Float32Array | null {
    const i = this.shown.chosen;
    const area = this.o.info.data.inputs;
    return this.galleryInputs?.slice(i * area, (i + 1) * area) ?? null;
  }

  private paintMaps(acts: Record<string, Float32Array>): void {
    if (!this.maps) return;
    const levels = this.maps.update(acts);
    this.shown.maps = this.maps.layers.map((l, k) => ({
      tensor: l.tensor,
      label: l.label,
      shape: [...l.shape],
      level: levels[k] ?? 0,
    }));
  }

  /** The chosen image's heading and the network's answer for it. */
  private showAnswer(): void {
    const i = this.shown.chosen;
    const names = this.o.info.data.classNames;
    const name = (k: number): string => names?.[k] ?? String(k);
    const truth = this.galleryLabels[i] ?? 0;
    const a = this.gallery?.answer(i);
    const answer = a
      ? `Answer: ${name(a.guess)}, ${Math.round(a.confidence * 100)}% sure ${a.guess === truth ? '✓' : '✗ wrong'}`
      : 'The network has not answered yet';
    this.maps?.setAnswer(`Test image ${i}: ${name(truth)}`, answer);
  }

  private report(): void {
    const g = this.gallery;
    if (g) {
      this.shown.gallery = {
        sort: g.sortMode,
        order: [...g.order],
        guesses: g.order.map((i) => g.answer(i)?.guess ?? -1),
        mistakes: g.mistakes,
      };
    }
    this.shown.field = this.maps?.shownField ?? null;
    const shown: ImagePicturesShown = { images: structuredClone(this.shown) };
    reportPictures(shown);
  }
}
