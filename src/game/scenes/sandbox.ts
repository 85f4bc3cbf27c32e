/**
 * The Sandbox: free play outside the journey. The player picks a generated data set (line,
 * blobs, xor, circles, moons, spiral) or brings their own CSV — through a file picker (a hidden
 * `<input type=file>`) or by dropping a file on the page — and goes on to the Workbench in
 * sandbox mode (levelId null, the data request set). A bad CSV is explained in a notice with
 * its line and column: the DataError text the trainer reports, as-is.
 */
import * as Phaser from 'phaser';
import { GENERATORS, GENERATOR_NAMES, type GeneratorName } from '../../data/generators.js';
import type { DataRequest } from '../../engine/trainer.js';
import { dataShape } from '../data-shape.js';
import { CLASS_COLORS } from '../objects/heatmap.js';
import { services } from '../services.js';
import { COLORS, CSS, RADIUS, TEXT, WIDTH, textStyle } from '../theme.js';
import { Button } from '../ui/button.js';
import { FocusManager } from '../ui/focus.js';
import { Notice } from '../ui/notice.js';
import { SCENES, type SandboxData, type WorkbenchData } from './keys.js';

/** Largest file read: the CSV loader's own caps stop bigger tables anyway. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;

export class Sandbox extends Phaser.Scene {
  private picker: HTMLInputElement | null = null;
  private notice: Notice | null = null;
  private status!: Phaser.GameObjects.Text;
  /** A `csv=` link waiting for its file: the name it was made with and its network. */
  private awaiting: SandboxData['awaiting'];
  private openButton!: Button;
  private readonly onDragOver = (e: DragEvent): void => {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  };
  private readonly onDrop = (e: DragEvent): void => {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (file) void this.readFile(file);
  };

  constructor() {
    super(SCENES.sandbox);
  }

  init(data: SandboxData): void {
    this.awaiting = data.awaiting;
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
    const cardW = 380;
    const cardH = 126;
    let first: Button | null = null;
    GENERATOR_NAMES.forEach((name, i) => {
      const x = 40 + (i % 3) * (cardW + 20);
      const y = 110 + Math.floor(i / 3) * (cardH + 20);
      g.fillStyle(COLORS.panel, 1).fillRoundedRect(x, y, cardW, cardH, RADIUS);
      drawPreview(g, name, x + 16, y + 16, 80);
      this.add.text(x + 112, y + 16, name, textStyle(TEXT.label, CSS.text, 600));
      this.add
        .text(x + 112, y + 42, GENERATORS[name].description, textStyle(TEXT.small, CSS.textDim))
        .setWordWrapWidth(cardW - 240);
      const b = new Button(this, {
        x: x + cardW - 110,
        y: y + cardH - 48,
        width: 96,
        height: 36,
        label: 'Use',
        icon: 'next',
        tooltip: `Build a network for ${name}: ${GENERATORS[name].description}`,
        onClick: () => this.go({ name, seed: 1 }),
      });
      first ??= b;
    });

    const y = 420;
    g.fillStyle(COLORS.panel, 1).fillRoundedRect(40, y, WIDTH - 80, 230, RADIUS);
    g.lineStyle(2, COLORS.line, 1);
    for (let x = 60; x < WIDTH - 60; x += 18) g.lineBetween(x, y + 20, x + 9, y + 20);
    this.add.text(60, y + 36, 'Your own data', textStyle(TEXT.label, CSS.text, 600));
    const awaiting = this.awaiting;
    this.add
      .text(
        60,
        y + 66,
        awaiting
          ? `This link was made with a CSV file called "${awaiting.fileName}". A link cannot carry the file itself, so open it again here` +
              (awaiting.draft
                ? ' and the workbench opens with the network and settings of the link.'
                : ' to build a network for it.')
          : 'A CSV file with a header row of column names and one example per row. Feature columns must be numbers; ' +
              'the last column is what the network learns to predict (numbers, or class labels such as "cat").',
        textStyle(TEXT.body, awaiting ? CSS.text : CSS.textDim),
      )
      .setWordWrapWidth(WIDTH - 160)
      .setLineSpacing(4);
    this.openButton = new Button(this, {
      x: 60,
      y: y + 140,
      width: 260,
      label: awaiting ? `Open ${shorten(awaiting.fileName)}…` : 'Open a CSV file…',
      icon: 'plus',
      variant: 'primary',
      tooltip: 'Choose a .csv file from your computer',
      onClick: () => this.picker?.click(),
    });
    this.add.text(
      340,
      y + 152,
      '…or drop a CSV file anywhere on this page.',
      textStyle(TEXT.body, CSS.textDim),
    );
    this.status = this.add.text(60, y + 196, '', textStyle(TEXT.small, CSS.data));

    this.picker = document.createElement('input');
    this.picker.type = 'file';
    this.picker.accept = '.csv,text/csv,text/plain';
    this.picker.style.display = 'none';
    this.picker.setAttribute('aria-label', 'Choose a CSV file');
    this.picker.addEventListener('change', () => {
      const file = this.picker?.files?.[0];
      if (file) void this.readFile(file);
      if (this.picker) this.picker.value = '';
    });
    document.body.appendChild(this.picker);
    document.addEventListener('dragover', this.onDragOver);
    document.addEventListener('drop', this.onDrop);
    this.events.once('shutdown', () => {
      document.removeEventListener('dragover', this.onDragOver);
      document.removeEventListener('drop', this.onDrop);
      this.picker?.remove();
      this.picker = null;
    });
    if (awaiting) FocusManager.for(this).focus(this.openButton, false);
    else if (first) FocusManager.for(this).focus(first, false);
  }

  private async readFile(file: File): Promise<void> {
    this.notice?.destroy();
    this.notice = null;
    if (file.size > MAX_FILE_BYTES)
      return this.fail(
        `${file.name} is ${(file.size / 1e6).toFixed(1)} MB; the sandbox reads files up to 20 MB.`,
      );
    this.status.setText(`Reading ${file.name}…`);
    let text: string;
    try {
      text = await file.text();
    } catch {
      return this.fail(`${file.name} could not be read.`);
    }
    const request: DataRequest = {
      csv: text,
      seed: 1,
      fileName: file.name.replace(/\.[^.]*$/, '') || 'csv',
    };
    // The worker builds the data exactly as training will; its DataError names line and column.
    // The network here only has to fit the data's shape: the Workbench replaces it.
    try {
      const shape = dataShape(request);
      await services().trainer.create(
        { layers: [{ type: 'dense', units: shape.outputs }] },
        request,
        {},
        1,
      );
    } catch (error) {
      return this.fail(`${file.name}: ${(error as Error).message}`);
    }
    if (this.scene.isActive()) this.go(request);
  }

  private fail(message: string): void {
    this.status.setText('');
    if (!this.scene.isActive()) return;
    this.notice = new Notice(this, { text: message, kind: 'warning', y: 640, width: 900 });
  }

  private go(data: DataRequest): void {
    const draft = 'csv' in data ? this.awaiting?.draft : undefined;
    const next: WorkbenchData = draft ? { levelId: null, data, draft } : { levelId: null, data };
    this.scene.start(SCENES.workbench, next);
  }
}

/** A file name short enough for a button. */
function shorten(name: string): string {
  return name.length > 18 ? `${name.slice(0, 17)}…` : name;
}

/** A tiny picture of each generated set, drawn from its geometry (no data needed). */
function drawPreview(
  g: Phaser.GameObjects.Graphics,
  name: GeneratorName,
  x: number,
  y: number,
  s: number,
): void {
  g.fillStyle(COLORS.panelRaised, 1).fillRoundedRect(x, y, s, s, RADIUS / 2);
  const dot = (px: number, py: number, cls: number): void => {
    g.fillStyle(CLASS_COLORS[cls]!, 1).fillCircle(x + px * s, y + py * s, 2.5);
  };
  // Fixed point lists: pictures, not samples (and no Math.random/sin/cos in the game code).
  switch (name) {
    case 'line':
      for (let i = 0; i <= 10; i++)
        dot(0.1 + i * 0.08, 0.85 - i * 0.07 + (i % 3 === 0 ? 0.04 : -0.02), 0);
      break;
    case 'blobs':
      for (const [px, py] of [
        [0.25, 0.3],
        [0.3, 0.4],
        [0.2, 0.38],
        [0.35, 0.28],
        [0.28, 0.22],
      ])
        dot(px!, py!, 0);
      for (const [px, py] of [
        [0.7, 0.7],
        [0.75, 0.62],
        [0.65, 0.78],
        [0.78, 0.75],
        [0.68, 0.64],
      ])
        dot(px!, py!, 1);
      break;
    case 'xor':
      for (const [px, py, c] of [
        [0.25, 0.25, 1],
        [0.75, 0.75, 1],
        [0.75, 0.25, 0],
        [0.25, 0.75, 0],
        [0.35, 0.15, 1],
        [0.65, 0.85, 1],
        [0.85, 0.35, 0],
        [0.15, 0.65, 0],
      ])
        dot(px!, py!, c!);
      break;
    case 'circles':
      for (const [px, py] of [
        [0.5, 0.45],
        [0.45, 0.55],
        [0.55, 0.55],
        [0.5, 0.5],
      ])
        dot(px!, py!, 0);
      for (const [px, py] of [
        [0.5, 0.12],
        [0.88, 0.5],
        [0.5, 0.88],
        [0.12, 0.5],
        [0.23, 0.23],
        [0.77, 0.23],
        [0.23, 0.77],
        [0.77, 0.77],
      ])
        dot(px!, py!, 1);
      break;
    case 'moons':
      for (const [px, py] of [
        [0.15, 0.55],
        [0.22, 0.35],
        [0.35, 0.25],
        [0.5, 0.25],
        [0.62, 0.35],
        [0.68, 0.5],
      ])
        dot(px!, py!, 0);
      for (const [px, py] of [
        [0.35, 0.5],
        [0.4, 0.65],
        [0.52, 0.75],
        [0.66, 0.75],
        [0.78, 0.65],
        [0.85, 0.45],
      ])
        dot(px!, py!, 1);
      break;
    case 'spiral': {
      // Three arms, each a point list turned by a fixed rotation matrix (25° per point, 120°
      // between arms): plain arithmetic, no trigonometry in game code.
      const [c, sn] = [0.906, 0.423];
      for (let arm = 0; arm < 3; arm++) {
        let vx = arm === 0 ? 1 : -0.5;
        let vy = arm === 0 ? 0 : arm === 1 ? 0.866 : -0.866;
        for (let i = 1; i <= 9; i++) {
          const r = 0.05 * i;
          g.fillStyle(CLASS_COLORS[arm]!, 1).fillCircle(
            x + (0.5 + vx * r) * s,
            y + (0.5 + vy * r) * s,
            2.5,
          );
          [vx, vy] = [vx * c - vy * sn, vx * sn + vy * c];
        }
      }
      break;
    }
  }
}
