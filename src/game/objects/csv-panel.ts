/**
 * The Sandbox's "Your own data" strip: a player's CSV or text file, through a file picker each
 * (hidden `<input type=file>`s) or dropped anywhere on the page (a `.txt` file is read as text,
 * anything else as a CSV). The file is read and handed to the worker, which builds the data
 * exactly as training will, so a bad CSV is refused here with its line and column (the
 * DataError text the trainer reports), a bad text with what is wrong with it, rather than on
 * the workbench. A `csv=` or `text=` link, which cannot carry its file, asks for it by name.
 */
import type * as Phaser from 'phaser';
import type { DataRequest } from '../../engine/trainer.js';
import { LIMITS, formatBytes } from '../../engine/limits.js';
import { sandboxRules } from '../../levels/rules.js';
import { dataShape } from '../data-shape.js';
import type { SandboxData } from '../scenes/keys.js';
import { services } from '../services.js';
import { COLORS, CSS, TEXT, textStyle } from '../theme.js';
import { Button } from '../ui/button.js';

/** Largest file read: the CSV loader's own caps stop bigger tables anyway. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;
/**
 * Largest text file read: `LIMITS.maxTextChars` characters of up to 4 bytes each in UTF-8, so
 * a file within it is always read and its characters counted by the loader.
 */
export const MAX_TEXT_FILE_BYTES = 8 * 1024 * 1024;

/** A text file read and checked: what the data page shows about it. */
export type TextRequest = Extract<DataRequest, { text: string }>;

export interface CsvPanelOptions {
  /** The strip's top edge (it spans the left panel, x 40–620). */
  y: number;
  /** A `csv=` link waiting for its file: the name it was made with and its network. */
  awaiting: SandboxData['awaiting'];
  /** A file is being read: what an earlier one said may go. */
  onReading: () => void;
  /** The worker built the data: go on with it. */
  onRead: (request: DataRequest) => void;
  /** The worker built a text file's data: show it (`bytes`: the file's size). */
  onText: (request: TextRequest, bytes: number) => void;
  /** The file could not be used, and why in words. */
  onFail: (message: string) => void;
}

export class CsvPanel {
  /** The file picker's button (the first focus when a link waits for its file). */
  readonly openButton: Button;
  /** The text file picker's button. */
  readonly textButton: Button;
  private readonly status: Phaser.GameObjects.Text;
  private picker: HTMLInputElement | null = null;
  private textPicker: HTMLInputElement | null = null;
  private readonly onDragOver = (e: DragEvent): void => {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  };
  private readonly onDrop = (e: DragEvent): void => {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (file) void (isTextFile(file) ? this.readText(file) : this.readFile(file));
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
    const kind = awaiting?.format === 'text' ? 'text' : 'CSV';
    scene.add
      .text(
        40,
        y + 40,
        awaiting
          ? `This link was made with a ${kind} file called "${awaiting.fileName}". A link cannot carry the file itself, so open it again here` +
              (awaiting.draft
                ? ' and the workbench opens with the network and settings of the link.'
                : ' to build a network for it.')
          : 'A CSV file: a header row, one example per row, the last column what to predict. Or a text file (.txt) to learn to write like, one character at a time. Or drop one here.',
        textStyle(TEXT.small, awaiting ? CSS.text : CSS.textDim),
      )
      .setWordWrapWidth(576)
      .setLineSpacing(3);
    const waiting = (format: 'CSV' | 'text'): boolean => awaiting !== undefined && kind === format;
    this.openButton = new Button(scene, {
      x: 40,
      y: y + 100,
      width: 190,
      label: waiting('CSV') ? `Open ${shorten(awaiting!.fileName)}…` : 'Open a CSV file…',
      icon: 'plus',
      variant: waiting('CSV') ? 'primary' : 'secondary',
      tooltip: 'Choose a .csv file from your computer',
      onClick: () => this.picker?.click(),
    });
    this.textButton = new Button(scene, {
      x: 242,
      y: y + 100,
      width: 190,
      label: waiting('text') ? `Open ${shorten(awaiting!.fileName)}…` : 'Open a text file…',
      icon: 'plus',
      variant: waiting('text') ? 'primary' : 'secondary',
      tooltip: 'Choose a .txt file from your computer: the network learns to write like it',
      onClick: () => this.textPicker?.click(),
    });
    this.status = scene.add.text(40, y + 150, '', textStyle(TEXT.small, CSS.data));

    const picker = (accept: string, label: string, read: (file: File) => Promise<void>) => {
      const input = document.createElement('input');
      input.type = 'file';
      input.accept = accept;
      input.style.display = 'none';
      input.setAttribute('aria-label', label);
      input.addEventListener('change', () => {
        const file = input.files?.[0];
        if (file) void read(file);
        input.value = '';
      });
      document.body.appendChild(input);
      return input;
    };
    this.picker = picker('.csv,text/csv,text/plain', 'Choose a CSV file', (f) => this.readFile(f));
    this.textPicker = picker('.txt,text/plain', 'Choose a text file', (f) => this.readText(f));
    document.addEventListener('dragover', this.onDragOver);
    document.addEventListener('drop', this.onDrop);
    scene.events.once('shutdown', () => {
      document.removeEventListener('dragover', this.onDragOver);
      document.removeEventListener('drop', this.onDrop);
      this.picker?.remove();
      this.picker = null;
      this.textPicker?.remove();
      this.textPicker = null;
    });
  }

  /** The first focus: the button of the file a link waits for. */
  get awaitedButton(): Button {
    return this.o.awaiting?.format === 'text' ? this.textButton : this.openButton;
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

  /**
   * Reads a text file and has the worker build its data as training will (the windows, the
   * vocabulary), so a text too short, too long or of too many characters is refused here.
   */
  private async readText(file: File): Promise<void> {
    this.o.onReading();
    if (file.size > MAX_TEXT_FILE_BYTES)
      return this.o.onFail(
        `${file.name} is ${formatBytes(file.size)}; the sandbox reads text files up to ${formatBytes(MAX_TEXT_FILE_BYTES)} (and ${LIMITS.maxTextChars.toLocaleString('en-US')} characters).`,
      );
    this.status.setText(`Reading ${file.name}…`);
    let text: string;
    try {
      text = await file.text();
    } catch {
      return this.o.onFail(`${file.name} could not be read.`);
    }
    const request: TextRequest = {
      text,
      seed: 1,
      fileName: file.name.replace(/\.[^.]*$/, '') || 'text',
    };
    try {
      const rules = sandboxRules(dataShape(request));
      await services().trainer.create(rules.start, request, {}, 1);
    } catch (error) {
      return this.o.onFail(`${file.name}: ${(error as Error).message}`);
    }
    if (!this.scene.scene.isActive()) return;
    this.status.setText('');
    this.o.onText(request, file.size);
  }
}

/** A file dropped on the page is read as text when its name ends in .txt, else as a CSV. */
function isTextFile(file: File): boolean {
  return /\.txt$/i.test(file.name);
}

/** A file name short enough for a button. */
function shorten(name: string): string {
  return name.length > 18 ? `${name.slice(0, 17)}…` : name;
}
