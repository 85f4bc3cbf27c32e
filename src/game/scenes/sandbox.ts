/**
 * The Sandbox: free play outside the journey, with TensorFlow Playground's data panel. The
 * player picks a generated data set — sorting points into classes (circles, XOR, two blobs,
 * moons, spiral) or predicting a number (a plane, a bump, a line) — and sets its noise (0–50%),
 * the share of points used for training (10–90%), the number of points, and "new data" (the
 * next data seed), seeing the real points as they change; then goes on to the Workbench in
 * sandbox mode (levelId null, the data request set). Or brings their own CSV (`CsvPanel`: a
 * file picker or a file dropped on the page); a bad CSV is explained in a notice with its line
 * and column (the DataError text the trainer reports). Or their own text file, or the bundled
 * names, learned one character at a time: the page shows its name, size, vocabulary and first
 * characters before the network is built (a bad text is explained in a notice, and whatever
 * was picked before stays picked).
 */
import * as Phaser from 'phaser';
import {
  GENERATORS,
  GENERATOR_DEFAULTS,
  NOISE_RANGE,
  SANDBOX_POINTS,
  TRAIN_SHARE_RANGE,
  IMAGE_SETS,
  isGeneratorName,
  isImageSetName,
  nameLists,
  textShape,
  NAMES_SPEC,
  type GeneratorName,
  type ImageSetName,
} from '../../data/index.js';
import { formatBytes } from '../../engine/limits.js';
import type { DataPreview, DataRequest } from '../../engine/trainer.js';
import { previewFor } from '../ghost.js';
import { CsvPanel, type TextRequest } from '../objects/csv-panel.js';
import { drawCardPicture, drawImageCardPicture } from '../objects/data-cards.js';
import { drawImageSample } from '../objects/image-sample.js';
import { DATA_WORDS, percent } from '../objects/data-controls.js';
import { drawDataPreview } from '../objects/data-preview.js';
import type { ViewFlags } from '../state/share.js';
import { COLORS, CSS, RADIUS, TEXT, textStyle } from '../theme.js';
import { Button } from '../ui/button.js';
import { FocusManager } from '../ui/focus.js';
import { Notice } from '../ui/notice.js';
import { Slider } from '../ui/slider.js';
import { SCENES, type Draft, type SandboxData, type WorkbenchData } from './keys.js';

/** The cards, in two rows: sorting into classes, then predicting a number. */
const CLASSIFY: readonly GeneratorName[] = ['circles', 'xor', 'blobs', 'moons', 'spiral'];
const REGRESS: readonly GeneratorName[] = ['plane', 'bump', 'line'];
/** Playground's names, where ours differ, so its players find their sets. */
const ALSO_CALLED: Partial<Record<GeneratorName, string>> = { blobs: 'gauss' };

/** The image sets, beside the number row, and what each is. */
const IMAGES: readonly ImageSetName[] = ['digits', 'fashion-mnist'];
const IMAGE_ABOUT: Record<ImageSetName, string> = {
  digits: '1,797 handwritten digits, 8×8 grey pixels each, to sort into 0 to 9 (UCI)',
  'fashion-mnist':
    '16,000 small photos of clothes, 28×28 grey pixels each, in ten kinds from T-shirt to ankle boot (Zalando Research)',
};

const CARD = 104;

/** What the page can have picked: a card, the bundled names, or the player's text file. */
type Picked = GeneratorName | ImageSetName | 'names' | 'text';

/** Characters of a text shown on the data page, and lines at most. */
const TEXT_PREVIEW = { chars: 700, lines: 14 };

type DrawCard = (g: Phaser.GameObjects.Graphics, x: number, y: number, size: number) => void;
const PREVIEW = { x: 676, y: 132, size: 300 };

export class Sandbox extends Phaser.Scene {
  private notice: Notice | null = null;
  /** A `csv=` link waiting for its file: the name it was made with and its network. */
  private awaiting: SandboxData['awaiting'];
  /** The "Your own data" strip: a CSV through the file picker or dropped on the page. */
  private csv: CsvPanel | null = null;
  /** The data being set up: which set, and Playground's data controls. */
  private name: Picked = 'circles';
  /** The text file read (when `name` is 'text'), and its size in bytes. */
  private text: { request: TextRequest; bytes: number } | null = null;
  private noise = GENERATOR_DEFAULTS.circles.noise;
  private points = GENERATOR_DEFAULTS.circles.n;
  private train = 0.7;
  private dataSeed = 1;
  /** Back from the Workbench: its network (kept while the data set stays) and view. */
  private draft: { name: string; draft: Draft } | null = null;
  private view: ViewFlags | undefined;
  private sliders: { noise: Slider; train: Slider; points: Slider } | null = null;
  private newData!: Button;
  /** Said instead of the sliders for an image set. */
  private imageNote!: Phaser.GameObjects.Text;
  private frames!: Phaser.GameObjects.Graphics;
  /** Where each data card is, for the selection frame. */
  private readonly cardAt = new Map<string, { x: number; y: number; w: number; h: number }>();
  private seedText!: Phaser.GameObjects.Text;
  private aboutText!: Phaser.GameObjects.Text;
  /** What the last preview drew, to clear it; and a counter so only the latest one draws. */
  private previewObjects: Phaser.GameObjects.GameObject[] = [];
  private previewSerial = 0;

  constructor() {
    super(SCENES.sandbox);
  }

  init(data: SandboxData): void {
    this.awaiting = data.awaiting;
    this.view = data.view;
    this.previewObjects = [];
    this.sliders = null;
    this.csv = null;
    const r = data.request;
    if (r && 'text' in r) {
      this.name = 'text';
      this.text = { request: { ...r, seed: 1 }, bytes: new Blob([r.text]).size };
      this.dataSeed = r.seed;
      this.draft = data.draft ? { name: textKey(r), draft: data.draft } : null;
    } else if (r && 'name' in r && r.name === 'names') {
      this.name = 'names';
      this.dataSeed = r.seed;
      this.draft = data.draft ? { name: r.name, draft: data.draft } : null;
    } else if (r && 'name' in r && isImageSetName(r.name)) {
      this.name = r.name;
      this.dataSeed = r.seed;
      this.draft = data.draft ? { name: r.name, draft: data.draft } : null;
    } else if (r && 'name' in r && isGeneratorName(r.name)) {
      this.name = r.name;
      this.noise = r.noise ?? GENERATOR_DEFAULTS[r.name].noise;
      this.points = r.n ?? GENERATOR_DEFAULTS[r.name].n;
      this.train = r.train ?? 0.7;
      this.dataSeed = r.seed;
      this.draft = data.draft ? { name: r.name, draft: data.draft } : null;
    } else {
      this.draft = null;
    }
  }

  create(): void {
    this.cameras.main.setBackgroundColor(COLORS.background);
    new Button(this, {
      x: 16,
      y: 14,
      label: 'Map',
      icon: 'back',
      variant: 'ghost',
      tooltip: 'Back to the journey map',
      onClick: () => this.scene.start(SCENES.map),
    });
    this.add.text(120, 12, 'Sandbox', textStyle(TEXT.title, CSS.text, 600));
    this.add.text(
      120,
      50,
      'Pick some data, build any network, and train it. No goals, no stars.',
      textStyle(TEXT.body, CSS.textDim),
    );
    const g = this.add.graphics();
    g.fillStyle(COLORS.panel, 1).fillRoundedRect(24, 84, 612, 620, RADIUS);
    g.fillStyle(COLORS.panel, 1).fillRoundedRect(652, 84, 604, 620, RADIUS);
    this.frames = this.add.graphics().setDepth(1);

    const generator = (name: GeneratorName) => ({
      name,
      tooltip: `${name}${ALSO_CALLED[name] ? ` (Playground's ${ALSO_CALLED[name]})` : ''}: ${GENERATORS[name].description}`,
      draw: ((g, x, y, size) => drawCardPicture(g, name, x, y, size)) as DrawCard,
    });
    const first = this.cardRow('Sort points into classes', 40, 96, CLASSIFY.map(generator));
    this.cardRow('Predict a number', 40, 240, REGRESS.map(generator));
    this.cardRow(
      'Read images',
      410,
      240,
      IMAGES.map((name) => ({
        name,
        tooltip: `${name}: ${IMAGE_ABOUT[name]}`,
        draw: ((g, x, y, size) => drawImageCardPicture(g, name, x, y, size)) as DrawCard,
      })),
    );
    this.dataControls(390);
    this.csv = new CsvPanel(this, g, {
      y: 530,
      awaiting: this.awaiting,
      onReading: () => {
        this.notice?.destroy();
        this.notice = null;
      },
      onRead: (request) => this.go(request),
      onText: (request, bytes) => {
        const awaited = this.awaiting?.format === 'text' ? this.awaiting : undefined;
        this.awaiting = undefined;
        this.text = { request, bytes };
        this.dataSeed = 1;
        // A `text=` link with a network goes on with it, as a `csv=` link does.
        if (awaited?.draft) this.go(request, awaited.draft);
        else this.select('text');
      },
      onFail: (message) => this.fail(message),
    });
    const names = new Button(this, {
      x: 444,
      y: 630,
      width: 176,
      label: 'Or the names',
      name: 'data names',
      tooltip: `names: ${NAMES_SPEC.description} (a network learns to invent new ones)`,
      onClick: () => this.select('names'),
    });
    this.cardAt.set('names', { x: names.x, y: 630, w: 176, h: 44 });
    this.cardAt.set('text', { x: 242, y: 630, w: 190, h: 44 });

    this.add.text(672, 96, 'The data', textStyle(TEXT.label, CSS.text, 600));
    this.aboutText = this.add
      .text(672, 500, '', textStyle(TEXT.body, CSS.text))
      .setWordWrapWidth(560)
      .setLineSpacing(4);
    this.add
      .text(
        672,
        560,
        'Next, on the workbench: the layers, their neurons and activations, the optimizer, and for these 2-D sets the inputs the network reads — x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂.',
        textStyle(TEXT.small, CSS.textDim),
      )
      .setWordWrapWidth(340)
      .setLineSpacing(3);
    const build = new Button(this, {
      x: 1036,
      y: 640,
      width: 200,
      height: 48,
      label: 'Build a network',
      icon: 'next',
      variant: 'primary',
      tooltip: 'Go on to the workbench with this data',
      onClick: () => this.go(this.request()),
    });
    this.select(this.name, false);
    if (this.awaiting) FocusManager.for(this).focus(this.csv.awaitedButton, false);
    else FocusManager.for(this).focus(this.draft ? build : first, false);
  }

  /**
   * A heading at (x, y) and one card per data set after it, each remembered for the selection
   * frame; returns the first card (for the first focus).
   */
  private cardRow(
    title: string,
    x0: number,
    y: number,
    cards: readonly { name: GeneratorName | ImageSetName; tooltip: string; draw: DrawCard }[],
  ): Button {
    this.add.text(x0, y, title, textStyle(TEXT.label, CSS.text, 600));
    let first: Button | null = null;
    cards.forEach(({ name, tooltip, draw }, i) => {
      const x = x0 + i * (CARD + 12);
      const card = new Button(this, {
        x,
        y: y + 30,
        width: CARD,
        height: CARD,
        label: '',
        name: `data ${name}`,
        tooltip,
        onClick: () => this.select(name),
      });
      draw(this.add.graphics(), x + 20, y + 36, 64);
      this.add
        .text(x + CARD / 2, y + 30 + CARD - 22, name, textStyle(TEXT.small, CSS.text, 600))
        .setOrigin(0.5, 0);
      this.cardAt.set(name, { x, y: y + 30, w: CARD, h: CARD });
      first ??= card;
    });
    return first!;
  }

  /** Playground's data controls: noise, training share, number of points, new data. */
  private dataControls(y: number): void {
    const onChange = (): void => void this.showPreview();
    this.sliders = {
      noise: new Slider(this, {
        x: 40,
        y,
        width: 270,
        label: DATA_WORDS.noise.label,
        ...NOISE_RANGE,
        step: 0.01,
        value: this.noise,
        format: percent,
        tooltip: DATA_WORDS.noise.tooltip,
        onChange: (v) => {
          this.noise = v;
          onChange();
        },
      }),
      train: new Slider(this, {
        x: 350,
        y,
        width: 270,
        label: DATA_WORDS.train.label,
        ...TRAIN_SHARE_RANGE,
        step: 0.05,
        value: this.train,
        format: percent,
        tooltip: DATA_WORDS.train.tooltip,
        onChange: (v) => {
          this.train = v;
          onChange();
        },
      }),
      points: new Slider(this, {
        x: 40,
        y: y + 66,
        width: 270,
        label: DATA_WORDS.n.label,
        ...SANDBOX_POINTS,
        step: 50,
        value: this.points,
        format: (v) => String(Math.round(v)),
        tooltip: DATA_WORDS.n.tooltip,
        onChange: (v) => {
          this.points = Math.round(v);
          onChange();
        },
      }),
    };
    this.newData = new Button(this, {
      x: 350,
      y: y + 70,
      width: 140,
      label: 'New data',
      icon: 'reset',
      tooltip: 'Draw new points of the same kind (the next data seed)',
      onClick: () => {
        this.dataSeed += 1;
        void this.showPreview();
      },
    });
    this.seedText = this.add.text(504, y + 84, '', textStyle(TEXT.small, CSS.textDim));
    this.imageNote = this.add
      .text(
        40,
        y + 6,
        'An image set comes as it is: every image, no noise to add.',
        textStyle(TEXT.small, CSS.textDim),
      )
      .setWordWrapWidth(280)
      .setVisible(false);
    // A link's value between two notches is shown, and so built, at the nearer notch.
    this.noise = this.sliders.noise.value;
    this.train = this.sliders.train.value;
    this.points = this.sliders.points.value;
  }

  /** Picks a data set; a newly picked one starts from its own noise and size. */
  private select(name: Picked, reset = true): void {
    const text = name === 'names' || name === 'text';
    const image = isImageSetName(name);
    // An image set or a text comes as it is: no noise, size or share to choose; the digits' "new
    // data" is another split, Fashion-MNIST's split is fixed, a text's is another order.
    for (const slider of Object.values(this.sliders ?? {})) slider.setVisible(!image && !text);
    this.newData.setDisabled(image && IMAGE_SETS[name].storedSplit);
    this.imageNote
      .setText(
        text
          ? 'A text comes as it is: windows of 16 characters, the network predicting each next one. New data shuffles them.'
          : 'An image set comes as it is: every image, no noise to add.',
      )
      .setVisible(image || text);
    if (!image && !text && reset && name !== this.name) {
      const d = GENERATOR_DEFAULTS[name];
      this.noise = Math.min(NOISE_RANGE.max, d.noise);
      this.points = Math.min(SANDBOX_POINTS.max, Math.max(SANDBOX_POINTS.min, d.n));
      this.sliders?.noise.setValue(this.noise);
      this.sliders?.points.setValue(this.points);
    }
    this.name = name;
    const { x, y, w, h } = this.cardAt.get(name)!;
    const g = this.frames.clear();
    g.lineStyle(3, COLORS.data, 1).strokeRoundedRect(x - 2, y - 2, w + 4, h + 4, RADIUS + 2);
    void this.showPreview();
  }

  /** The data request the controls describe. */
  private request(): DataRequest {
    if (this.name === 'text' && this.text) return { ...this.text.request, seed: this.dataSeed };
    if (this.name === 'names' || this.name === 'text')
      return { name: 'names', seed: this.dataSeed };
    if (isImageSetName(this.name)) return { name: this.name, seed: this.dataSeed };
    return {
      name: this.name,
      seed: this.dataSeed,
      n: this.points,
      noise: this.noise,
      train: this.train,
    };
  }

  /** Draws the real points of the current settings (the latest request wins). */
  private async showPreview(): Promise<void> {
    const serial = ++this.previewSerial;
    this.seedText.setText(`data seed ${this.dataSeed}`);
    if (this.name === 'names' || this.name === 'text') return this.showText();
    if (isImageSetName(this.name)) return this.showImages(serial, this.name);
    const also = ALSO_CALLED[this.name];
    this.aboutText.setText(
      `${this.name}${also ? ` (Playground's "${also}")` : ''}: ${GENERATORS[this.name].description}.`,
    );
    let preview: DataPreview;
    try {
      preview = await previewFor(this.request());
    } catch (error) {
      if (serial === this.previewSerial) this.fail((error as Error).message);
      return;
    }
    if (serial !== this.previewSerial || !this.scene.isActive()) return;
    for (const o of this.previewObjects) o.destroy();
    const before = new Set(this.children.list);
    drawDataPreview(this, preview, { ...PREVIEW, width: 560 });
    this.previewObjects = this.children.list.filter((o) => !before.has(o));
  }

  /**
   * A grid of the set's first training images with their labels. The first look at a set
   * downloads it (7 MB for Fashion-MNIST), with a progress bar over the preview while it comes.
   */
  private async showImages(serial: number, name: ImageSetName): Promise<void> {
    this.aboutText.setText(`${name}: ${IMAGE_ABOUT[name]}.`);
    for (const o of this.previewObjects) o.destroy();
    this.previewObjects = [];
    const at = { x: 676, y: 132, width: 540, count: 32, columns: 8, tile: 58, gap: 12 };
    const current = (): boolean => serial === this.previewSerial && this.scene.isActive();
    let shown;
    try {
      shown = await drawImageSample(this, name, this.dataSeed, at, current);
    } catch (error) {
      if (current()) this.fail((error as Error).message);
      return;
    }
    if (!shown) return;
    this.previewObjects = shown.objects;
    const rows = shown;
    this.previewObjects.push(
      this.add.text(
        676,
        470,
        `${count(rows.data.rows.train)} training images, ${count(rows.data.rows.validation)} validation, ${count(rows.data.rows.test)} test`,
        textStyle(TEXT.small, CSS.textDim),
      ),
    );
  }

  /**
   * A text's name, size, vocabulary and first characters (line breaks shown as ↵): for the
   * player's file, its own start; for the names, the first of them as the stream joins them.
   */
  private showText(): void {
    for (const o of this.previewObjects) o.destroy();
    const request = this.request();
    let source: string;
    let title: string;
    let size: string;
    if ('text' in request) {
      source = request.text;
      title = request.fileName ?? 'text';
      size = formatBytes(this.text!.bytes);
      this.aboutText.setText(
        `${title}: your text, to predict one character at a time. The first 80% trains, the next 10% validates, the last 10% tests.`,
      );
    } else {
      const l = nameLists();
      source = `.${l.all.join('.')}.`;
      title = 'names';
      size = `${count(l.all.length)} names`;
      this.aboutText.setText(`names: ${NAMES_SPEC.description}, each between two dots.`);
    }
    let shape;
    try {
      shape = textShape(source, { name: title });
    } catch (error) {
      this.fail((error as Error).message);
      return;
    }
    const lines = source
      .slice(0, TEXT_PREVIEW.chars)
      .replace(/\r\n?/g, '\n')
      .split('\n')
      .slice(0, TEXT_PREVIEW.lines);
    const shown = lines.join('↵\n') + (source.length > TEXT_PREVIEW.chars ? '…' : '');
    const vocab = shape.vocab.map((c) => (c === '\n' ? '↵' : c === ' ' ? '␣' : c)).join('');
    this.previewObjects = [
      this.add.text(
        676,
        132,
        `${title} · ${size} · ${count(shape.length)} characters · ${shape.vocab.length} different`,
        textStyle(TEXT.body, CSS.text, 600),
      ),
      this.add
        .text(676, 162, `Vocabulary: ${vocab}`, textStyle(TEXT.small, CSS.textDim))
        .setWordWrapWidth(560, true),
      this.add
        .text(676, 212, shown, textStyle(TEXT.small, CSS.data))
        .setWordWrapWidth(560, true)
        .setLineSpacing(2)
        .setCrop(0, 0, 560, 270),
    ];
  }

  private fail(message: string): void {
    this.csv?.clearStatus();
    if (!this.scene.isActive()) return;
    this.notice?.destroy();
    this.notice = new Notice(this, { text: message, kind: 'warning', y: 640, width: 900 });
  }

  private go(data: DataRequest, linked?: Draft): void {
    const key = 'name' in data ? data.name : 'text' in data ? textKey(data) : null;
    const draft =
      linked ??
      ('csv' in data
        ? this.awaiting?.draft
        : this.draft?.name === key
          ? this.draft.draft
          : undefined);
    const next: WorkbenchData = {
      levelId: null,
      data,
      ...(draft ? { draft } : {}),
      ...(this.view && !('csv' in data) ? { view: this.view } : {}),
    };
    this.scene.start(SCENES.workbench, next);
  }
}

/** What a network built for a text file is kept by, back from the Workbench. */
function textKey(request: TextRequest): string {
  return `text:${request.fileName ?? 'text'}`;
}

/** A count with thousands marked: 12,000. */
function count(n: number): string {
  return n.toLocaleString('en-US');
}
