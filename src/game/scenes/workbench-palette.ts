/**
 * The workbench's palette: one add-button per block the level offers (two columns of short
 * names for the image kit), each adding its block on a click or where it is dropped on the
 * stack, or a line saying why there are none. `refresh` disables the buttons when the network
 * is full or a teacher's link locks it, and says which in the tooltip.
 */
import type * as Phaser from 'phaser';
import { LAYERS } from '../../engine/ops/index.js';
import type { LayerSpec } from '../../engine/spec.js';
import type { WorkbenchRules } from '../../levels/rules.js';
import type { Control } from '../state/teacher.js';
import { CSS, TEXT, textStyle } from '../theme.js';
import { Button } from '../ui/button.js';
import { paletteEntries } from './workbench-text.js';

export interface PaletteOptions {
  rules: WorkbenchRules;
  /** The controls a teacher's link hides. */
  hidden: ReadonlySet<string>;
  /** Whether the player may use a control (a teacher's link may lock it). */
  editable(control: Control): boolean;
  /** A new dense layer, sized for the level's limits. */
  newDense(): LayerSpec;
  add(layer: LayerSpec): void;
  /** A button dragged out and let go at (x, y). */
  drop(layer: LayerSpec, x: number, y: number): void;
}

/** Vertical distance between two rows of buttons. */
const ROW = 52;

export class Palette {
  private readonly buttons: { button: Button; control: Control; tooltip: string }[] = [];
  /** Rows of buttons drawn (at least the space the single-line note takes). */
  readonly rows: number;

  constructor(
    scene: Phaser.Scene,
    private readonly o: PaletteOptions,
  ) {
    const blocks = o.rules.blocks;
    const shown = paletteEntries(blocks, o.hidden);
    // More than three blocks (the image kit): two columns of short names.
    const columns = shown.length > 3 ? 2 : 1;
    // A new dense layer's width depends on the level's limits; the rest use the registry's example.
    const maker = (type: (typeof shown)[number]['type']) => (): LayerSpec =>
      type === 'dense'
        ? o.newDense()
        : (structuredClone(LAYERS[type].example) as unknown as LayerSpec);
    for (const { type, control, label, tooltip } of shown) {
      const make = maker(type);
      const i = this.buttons.length;
      const button = new Button(scene, {
        x: 32 + (i % columns) * 126,
        y: 128 + ROW * Math.floor(i / columns),
        width: columns === 1 ? 250 : 124,
        label,
        icon: 'plus',
        tooltip,
        onClick: () => o.add(make()),
      }).enableDragOut((x, y) => o.drop(make(), x, y));
      this.buttons.push({ button, control, tooltip });
    }
    if (this.buttons.length === 0) {
      scene.add
        .text(
          32,
          132,
          blocks.dense || blocks.dropout
            ? "The teacher's link keeps the network's blocks as they are."
            : 'This level keeps its network: change what the settings on the right allow.',
          textStyle(TEXT.small, CSS.textDim),
        )
        .setWordWrapWidth(250)
        .setLineSpacing(3);
    }
    this.rows = Math.ceil(this.buttons.length / columns);
  }

  /** How many buttons there are (they come first in the Tab order, after the back button). */
  get size(): number {
    return this.buttons.length;
  }

  /** How much lower than two rows of buttons what comes under the palette must start. */
  get extra(): number {
    return ROW * Math.max(0, this.rows - 2);
  }

  /** Disables the buttons when the network has `layers` of the allowed maximum, or is locked. */
  refresh(layers: number): void {
    const max = this.o.rules.blocks.maxLayers;
    const full = layers >= max;
    for (const { button, control, tooltip } of this.buttons) {
      const editable = this.o.editable(control);
      button.setDisabled(full || !editable);
      button.setTooltip(
        full
          ? `The network already has the ${max} layers this level allows`
          : editable
            ? tooltip
            : "The network is locked by the teacher's link",
      );
    }
  }
}
