/**
 * The Sandbox's "Your own data" strip: a player's CSV, through a file picker (a hidden
 * `<input type=file>`) or dropped anywhere on the page. The file is read and handed to the
 * worker, which builds the data exactly as training will, so a bad CSV is refused here with its
 * line and column (the DataError text the trainer reports) rather than on the workbench. A
 * `csv=` link, which cannot carry its file, asks for it by name.
 */
import type * as Phaser from 'phaser';
import type { DataRequest } from '../../engine/trainer.js';
import { dataShape } from '../data-shape.js';
import type { SandboxData } from '../scenes/keys.js';
import { services } from '../services.js';
import { COLORS, CSS, TEXT, textStyle } from '../theme.js';
import { Button } from '../ui/button.js';

/** Largest file read: the CSV loader's own caps stop bigger tables anyway. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;

export interface CsvPanelOptions {
  /** The strip's top edge (it spans the left panel, x 40–620). */
  y: number;
  /** A `csv=` link waiting for its file: the name it was made with and its network. */
  awaiting: SandboxData['awaiting'];
  /** A file is being read: what an earlier one said may go. */
  onReading: () => void;
  /** The worker built the data: go on with it. */
  onRead: (request: DataRequest) => void;
  /** The file could not be used, and why in words. */
  onFail: (message: string) => void;
}

export class CsvPanel {
  /** The file picker's button (the first focus when a link waits for its file). */
  readonly openButton: Button;
  private readonly status: Phaser.GameObjects.Text;
  private picker: HTMLInputElement | null = null;
  private readonly onDragOver = (e: DragEvent): void => {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  };
  private readonly onDrop = (e: DragEvent): void => {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (file) void this.readFile(file);
  };

  constructor(
    private readonly scene: Phaser.Scene,
    g: Phaser.GameObjects.Graphics,
    private readonly o: CsvPanelOptions,
  ) {
    const y = o.y;
    g.lineStyle(2, COLORS.line, 1);
    for (let x = 40; x < 620; x += 18) g.lineBetween(x, y, x + 9, y);
    scene.add.text(40, y + 12, 'Your own data', textStyle(TEXT.label, CSS.text, 600));
    const awaiting = o.awaiting;
    scene.add
      .text(
        40,
        y + 40,
        awaiting
          ? `This link was made with a CSV file called "${awaiting.fileName}". A link cannot carry the file itself, so open it again here` +
              (awaiting.draft
                ? ' and the workbench opens with the network and settings of the link.'
                : ' to build a network for it.')
          : 'A CSV file with a header row and one example per row: number columns, the last one what to predict (a number or a class such as "cat").',
        textStyle(TEXT.small, awaiting ? CSS.text : CSS.textDim),
      )
      .setWordWrapWidth(576)
      .setLineSpacing(3);
    this.openButton = new Button(scene, {
      x: 40,
      y: y + 100,
      width: 240,
      label: awaiting ? `Open ${shorten(awaiting.fileName)}…` : 'Open a CSV file…',
      icon: 'plus',
      variant: awaiting ? 'primary' : 'secondary',
      tooltip: 'Choose a .csv file from your computer',
      onClick: () => this.picker?.click(),
    });
    scene.add.text(296, y + 112, '…or drop one on this page.', textStyle(TEXT.small, CSS.textDim));
    this.status = scene.add.text(40, y + 150, '', textStyle(TEXT.small, CSS.data));

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
    scene.events.once('shutdown', () => {
      document.removeEventListener('dragover', this.onDragOver);
      document.removeEventListener('drop', this.onDrop);
      this.picker?.remove();
      this.picker = null;
    });
  }

  /** Clears the "Reading…" line (a notice says what went wrong instead). */
  clearStatus(): void {
    this.status.setText('');
  }

  private async readFile(file: File): Promise<void> {
    this.o.onReading();
    if (file.size > MAX_FILE_BYTES)
      return this.o.onFail(
        `${file.name} is ${(file.size / 1e6).toFixed(1)} MB; the sandbox reads files up to 20 MB.`,
      );
    this.status.setText(`Reading ${file.name}…`);
    let text: string;
    try {
      text = await file.text();
    } catch {
      return this.o.onFail(`${file.name} could not be read.`);
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
      return this.o.onFail(`${file.name}: ${(error as Error).message}`);
    }
    if (this.scene.scene.isActive()) this.o.onRead(request);
  }
}

/** A file name short enough for a button. */
function shorten(name: string): string {
  return name.length > 18 ? `${name.slice(0, 17)}…` : name;
}
