/**
 * The foot of the workbench's left panel: what the data is (in words), a small picture of it
 * (a few labelled images for an image set, the points otherwise), and either the level's open
 * data controls under a smaller picture or the keys line. The picture is drawn once the
 * worker's preview is in, again whenever a data control moves (only the latest request draws),
 * and it tells the Workbench how many training rows there are (a batch may not be larger).
 */
import type * as Phaser from 'phaser';
import type { TaskShape } from '../../engine/spec.js';
import type { DataPreview, DataRequest } from '../../engine/trainer.js';
import { isImageSetName } from '../../data/images.js';
import type { DataControls, DataSettings } from '../../levels/types.js';
import { previewFor } from '../ghost.js';
import { DATA_ROW, buildDataControls, shownDataControls } from '../objects/data-controls.js';
import { drawDataPreview } from '../objects/data-preview.js';
import { drawImageSample } from '../objects/image-sample.js';
import type { TeacherFlags } from '../state/teacher.js';
import { CSS, TEXT, textStyle } from '../theme.js';
import { dataLine } from './workbench-text.js';

export interface DataPanelOptions {
  /** Where the data's words start; the panel ends at the foot of the left column. */
  y: number;
  shape: TaskShape | null;
  controls: DataControls;
  teacher: TeacherFlags;
  /** The data the network trains on now (none: nothing to draw). */
  request(): DataRequest | undefined;
  /** The draft's data settings (a key is left out at the level's own value). */
  data(): DataSettings;
  /** A data control moved: the Workbench keeps the settings and asks for the new data. */
  onData(chosen: DataSettings): void;
  /** The preview is in: the number of training rows. */
  onRows(train: number): void;
}

const X = 32;
const W = 250;

export class DataPanel {
  private objects: Phaser.GameObjects.GameObject[] = [];
  private serial = 0;
  private size = 130;
  private readonly top: number;

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly o: DataPanelOptions,
  ) {
    const title = scene.add
      .text(X, o.y, dataLine(o.shape), textStyle(TEXT.small, CSS.data))
      .setWordWrapWidth(W)
      .setLineSpacing(4);
    this.top = title.y + title.height + 10;
    const rows = shownDataControls(o.controls, o.teacher).length;
    if (rows) {
      const top = Math.min(700 - rows * DATA_ROW, this.top + 174);
      this.size = Math.max(56, Math.min(130, top - this.top - 34));
      buildDataControls(scene, {
        x: X,
        y: top,
        width: W,
        controls: o.controls,
        teacher: o.teacher,
        data: () => o.data(),
        onChange: (chosen) => {
          o.onData(chosen);
          void this.show();
        },
      });
    } else {
      scene.add
        .text(
          X,
          612,
          'Keys: Tab moves between controls · on a layer: ←/→ size, A activation, Shift+↑/↓ move, Delete remove',
          textStyle(TEXT.small, CSS.textDim),
        )
        .setWordWrapWidth(W)
        .setLineSpacing(3);
    }
    void this.show();
  }

  /** Draws the data's picture for the current request, replacing the last one. */
  async show(): Promise<void> {
    const request = this.o.request();
    if (!request) return;
    const serial = ++this.serial;
    if ('name' in request && isImageSetName(request.name)) {
      return this.showImages(request.name, request.seed, serial);
    }
    let preview: DataPreview;
    try {
      preview = await previewFor(request);
    } catch {
      return;
    }
    if (!this.current(serial)) return;
    for (const o of this.objects) o.destroy();
    const before = new Set(this.scene.children.list);
    if (this.o.shape?.sequence?.vocab !== undefined && preview.classNames) {
      // Symbols over time: a few training windows spelled out, not a table of ids.
      const vocab = preview.classNames;
      const steps = this.o.shape.sequence.steps;
      const rows = Math.min(3, preview.x.length / steps);
      const lines = Array.from({ length: rows }, (_, r) =>
        Array.from(preview.x.subarray(r * steps, (r + 1) * steps), (id) => {
          const c = vocab[id] ?? '?';
          return c === '\n' ? '↵' : c === ' ' ? '␣' : c;
        }).join(''),
      );
      this.scene.add
        .text(
          X,
          this.top,
          `A few training windows:\n${lines.join('\n')}`,
          textStyle(TEXT.small, CSS.text),
        )
        .setWordWrapWidth(W, true)
        .setLineSpacing(3);
    } else drawDataPreview(this.scene, preview, { x: X, y: this.top, width: W, size: this.size });
    this.objects = this.scene.children.list.filter((o) => !before.has(o));
    this.o.onRows(preview.rows.train);
  }

  /** An image set: a few labelled training images (downloaded first, behind a progress bar). */
  private async showImages(
    name: Parameters<typeof drawImageSample>[1],
    seed: number,
    serial: number,
  ): Promise<void> {
    // One row: the keys line sits under it.
    const at = { x: X, y: this.top, width: W, count: 5, columns: 5, tile: 40, gap: 10 };
    const shown = await drawImageSample(this.scene, name, seed, at, () =>
      this.current(serial),
    ).catch(() => null);
    if (!shown) return;
    for (const o of this.objects) o.destroy();
    this.objects = shown.objects;
    this.o.onRows(shown.data.rows.train);
  }

  /** Whether a preview that just came in is still the one to draw. */
  private current(serial: number): boolean {
    return this.scene.scene.isActive() && serial === this.serial;
  }
}
