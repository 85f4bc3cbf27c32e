/**
 * One layer of the workbench stack, as a piece of the block kit: same corner radius as every
 * panel, an icon drawn with Graphics per block type, the title ("Dense 16 · relu"), the output
 * shape written under it (`[16]`), the parameter count as a badge with its formula
 * (`2×16 + 16 = 48`) and, at the row's right end, its multiply-adds per example ("4.6k
 * mult-adds"). Shapes and counts are handed in by the Workbench from `buildNetwork`; the block
 * never computes them. It is a keyboard `Focusable`: ←/→ change units (or the dropout
 * rate), A cycles the activation, Shift+↑/↓ move the block, Delete removes it.
 */
import { LAYERS } from '../../engine/ops/index.js';
import { drawIcon } from './block-icons.js';
import { blockTitle, chipLabels, nextActivation, resize, stepField } from './block-fields.js';
import * as Phaser from 'phaser';
import type { Activation, LayerSpec } from '../../engine/spec.js';
import { COLORS, CSS, MOTION, RADIUS, TEXT, reducedMotion, textStyle } from '../theme.js';
import { FocusManager, worldRect, type Direction, type Focusable } from '../ui/focus.js';
import { drawIcon as drawUiIcon } from '../ui/icons.js';
import { Tooltip } from '../ui/tooltip.js';
import { formatCount } from '../../levels/rules.js';
import { firstFit, rowVariants, type RowText } from './cost-text.js';
import type { FieldChipShown } from '../services.js';

export const BLOCK_WIDTH = 440;
/** Text size of a generic block's field chips. */
const CHIP_SIZE = 12;
export const BLOCK_HEIGHT = 62;
/** The multiply-adds end this far from the block's right edge (inside their outline). */
const COST_RIGHT = 18;
/** Space kept between the formula and the multiply-adds' outline. */
const COST_GAP = 18;

/** What the block reports to the Workbench; the Workbench owns the draft and rebuilds. */
export interface LayerBlockEvents {
  change(layer: LayerSpec): void;
  remove(): void;
  /** Move by one place (keyboard) … */
  move(delta: -1 | 1): void;
  /** … or drop at a y (drag); the Workbench turns it into an index. */
  drop(y: number): void;
}

export interface LayerBlockOptions {
  x: number;
  y: number;
  layer: LayerSpec;
  /** The activations this block may cycle through (none is always one of them). */
  activations: readonly Activation[];
  maxUnits: number;
  /** Locked by the teacher: the block shows but cannot be edited. */
  editable: boolean;
  /**
   * Kept as it is by the level (its dense layers stay as they start): no resizing, moving or
   * removing; only the activations listed, if any. The tooltip says so.
   */
  fixed?: boolean;
  events: LayerBlockEvents;
}

/** The per-layer facts from `buildNetwork`'s summary. */
export interface BlockInfo {
  shape: number[];
  params: number;
  formula: string;
  /** Multiply-adds per example of the layer's forward pass (0: it computes none, e.g. flatten). */
  macs: number;
}

export class LayerBlock extends Phaser.GameObjects.Container implements Focusable {
  layer: LayerSpec;
  private readonly bg: Phaser.GameObjects.Graphics;
  private readonly title: Phaser.GameObjects.Text;
  private readonly shapeText: Phaser.GameObjects.Text;
  private readonly badge: Phaser.GameObjects.Graphics;
  private readonly badgeText: Phaser.GameObjects.Text;
  private readonly formulaText: Phaser.GameObjects.Text;
  /** The multiply-adds, right-aligned at the end of the second row. */
  private readonly costText: Phaser.GameObjects.Text;
  private readonly buttons: Phaser.GameObjects.Text[] = [];
  private focused = false;
  /** The multiply-adds last shown, for the tooltip (the row may write them short). */
  private macs = 0;
  private dragging = false;
  /** A layer type without controls of its own here: edited through its registry fields. */
  private readonly generic: boolean;
  /** The clickable field chips of a generic block (kernel, stride, padding, bias …). */
  private readonly chips: Phaser.GameObjects.Text[] = [];
  /** Which field each chip shows. */
  private readonly chipFields = new Map<Phaser.GameObjects.Text, string>();
  /** Where the block comes to rest: its slot in the stack. */
  private restY: number;
  /** The tweens moving the block now (sliding in, sliding to a slot). */
  private readonly motions = new Set<Phaser.Tweens.Tween>();
  private slide: Phaser.Tweens.Tween | null = null;

  constructor(
    scene: Phaser.Scene,
    private readonly o: LayerBlockOptions,
  ) {
    super(scene, o.x, o.y);
    this.restY = o.y;
    this.layer = structuredClone(o.layer);
    this.bg = scene.add.graphics();
    const icon = scene.add.graphics();
    drawIcon(icon, this.layer.type, 14, 13);
    this.title = scene.add.text(62, 7, '', textStyle(TEXT.label, CSS.text, 600));
    this.shapeText = scene.add.text(62, 35, '', textStyle(TEXT.small, CSS.data));
    this.badge = scene.add.graphics();
    this.badgeText = scene.add
      .text(0, 35, '', textStyle(TEXT.small, '#14171f', 600))
      .setOrigin(0.5, 0);
    this.formulaText = scene.add.text(0, 35, '', textStyle(TEXT.small, CSS.textDim));
    this.costText = scene.add
      .text(BLOCK_WIDTH - COST_RIGHT, 35, '', textStyle(TEXT.small, CSS.text))
      .setOrigin(1, 0);
    this.add([
      this.bg,
      icon,
      this.title,
      this.shapeText,
      this.badge,
      this.badgeText,
      this.formulaText,
      this.costText,
    ]);

    // Dense, dropout and activation blocks have their own controls; any other type of the
    // registry is edited through its declared fields, one clickable chip each after its name
    // ("8 filters", "3×3", "stride 1", "pad 1", "ƒ relu"); ←/→ step the first, A the activation.
    this.generic =
      this.layer.type !== 'dense' &&
      this.layer.type !== 'dropout' &&
      this.layer.type !== 'activation';
    if (o.editable && !this.generic && !o.fixed) {
      const dense = this.layer.type === 'dense';
      const what = dense ? 'units' : 'units dropped';
      this.addButton('−', BLOCK_WIDTH - 112, `Fewer ${what} (←)`, () => this.adjustSize(-1));
      this.addButton('+', BLOCK_WIDTH - 84, `More ${what} (→)`, () => this.adjustSize(1));
    }
    if (o.editable && !this.generic && this.canCycle()) {
      this.addButton('ƒ', BLOCK_WIDTH - 56, 'Next activation function (A)', () =>
        this.cycleActivation(),
      );
    }
    if (o.editable && !o.fixed) {
      this.addButton('✕', BLOCK_WIDTH - 28, 'Remove this layer (Delete)', () => o.events.remove());
    }
    if (o.editable && !o.fixed) {
      this.setSize(BLOCK_WIDTH, BLOCK_HEIGHT);
      this.setInteractive(
        new Phaser.Geom.Rectangle(BLOCK_WIDTH / 2, BLOCK_HEIGHT / 2, BLOCK_WIDTH, BLOCK_HEIGHT),
        Phaser.Geom.Rectangle.Contains,
      );
      scene.input.setDraggable(this);
      this.on('dragstart', () => {
        this.dragging = true;
        this.setDepth(50).setAlpha(0.9);
      });
      this.on('drag', (_p: Phaser.Input.Pointer, _x: number, y: number) => this.setY(y));
      this.on('dragend', () => {
        this.dragging = false;
        this.setDepth(0).setAlpha(1);
        o.events.drop(this.y);
      });
    }
    this.refreshTitle();
    this.redraw();
    scene.add.existing(this);
    FocusManager.for(scene).add(this);
    if (!reducedMotion()) {
      this.setAlpha(0).setX(o.x - 24);
      this.animate({ alpha: 1, x: o.x });
    }
  }

  /**
   * Tweens the block, ignoring the pointer until it rests: a click lands on the block at rest
   * under the pointer or on nothing, never on a neighbour sliding past (or on this block, which
   * a click-and-release would otherwise drop into the slot it is passing).
   */
  private animate(props: { alpha?: number; x?: number; y?: number }): Phaser.Tweens.Tween {
    const tween = this.scene.tweens.add({
      targets: this,
      ...props,
      duration: MOTION.normal,
      ease: MOTION.ease,
      onComplete: () => {
        this.motions.delete(tween);
        this.updateInput();
      },
      onStop: () => {
        this.motions.delete(tween);
        this.updateInput();
      },
    });
    this.motions.add(tween);
    this.updateInput();
    return tween;
  }

  private updateInput(): void {
    if (!this.o.editable || !this.input) return;
    if (this.motions.size > 0) this.disableInteractive();
    else this.setInteractive();
  }

  isMoving(): boolean {
    return this.motions.size > 0;
  }

  /**
   * Which wording of the second row (see `rowVariants`) is the fullest that fits this block,
   * so the Workbench can write the whole stack alike (`stackLevels`).
   */
  fit(info: BlockInfo | null, problem: string | null): number {
    if (!info) return 0;
    const variants = rowVariants(info.shape, info.params, info.formula, info.macs, !!problem);
    return firstFit(
      variants.map((v) => this.layoutRow(v)),
      BLOCK_WIDTH - COST_RIGHT,
    );
  }

  /**
   * Shows the summary facts on the second row — shape, then the parameter badge, then its
   * formula, and the multiply-adds at the right end — in the wording `level` (0 the fullest;
   * see `rowVariants`), or a problem with this layer (marked with ⚠ and a word, never colour
   * alone).
   */
  setInfo(info: BlockInfo | null, problem: string | null, level = 0): void {
    this.badge.clear();
    this.badgeText.setText('');
    this.formulaText.setText('');
    this.costText.setText('');
    this.macs = info?.macs ?? 0;
    this.shapeText.setColor(problem ? CSS.warning : CSS.data);
    if (!info) {
      this.shapeText.setText(problem ? '⚠ check below' : '');
      return;
    }
    const variants = rowVariants(info.shape, info.params, info.formula, info.macs, !!problem);
    this.layoutRow(variants[Math.min(level, variants.length - 1)]!);
  }

  /**
   * Sets the second row's texts and places them; returns how far right it reaches, the cost
   * counted as if right after the formula (so the caller can measure each wording with it).
   */
  private layoutRow(row: RowText): number {
    this.shapeText.setText(row.shape);
    this.badgeText.setText(row.badge);
    const w = this.badgeText.width + 14;
    const bx = 62 + this.shapeText.width + 10;
    this.badge.clear().fillStyle(COLORS.weights, 1).fillRoundedRect(bx, 33, w, 22, 11);
    this.badgeText.setX(bx + w / 2);
    this.formulaText
      .setFontSize(row.small ? CHIP_SIZE : TEXT.small)
      .setY(row.small ? 37 : 35)
      .setText(row.formula)
      .setX(bx + w + 8);
    this.costText.setText(row.cost);
    const formulaEnd = row.formula ? bx + w + 8 + this.formulaText.width : bx + w;
    const costWidth = row.cost ? this.costText.width + COST_GAP : 0;
    // The cost's outline, so it reads as a figure of its own beside the parameter badge.
    if (row.cost) {
      const cx = BLOCK_WIDTH - COST_RIGHT - this.costText.width - 7;
      this.badge.lineStyle(1, COLORS.line, 1);
      this.badge.strokeRoundedRect(cx, 33, this.costText.width + 14, 22, 11);
    }
    return formulaEnd + costWidth;
  }

  /** The clickable field chips where they are drawn with the block at rest (game coordinates). */
  fieldChips(): FieldChipShown[] {
    if (!this.o.editable || this.o.fixed) return [];
    return this.chips.map((chip) => ({
      name: this.chipFields.get(chip) ?? '',
      text: chip.text,
      x: this.o.x + chip.x,
      y: this.restY + chip.y,
      width: chip.width,
      height: chip.height,
    }));
  }

  /** The multiply-adds the block shows now ('' where it computes none). */
  costShown(): string {
    return this.costText.text;
  }

  /** Slides the block to its place in the stack (instantly under reduced motion). */
  slideTo(y: number): void {
    this.restY = y;
    if (this.dragging) return;
    this.slide?.stop();
    this.slide = null;
    if (reducedMotion() || this.y === y) this.setY(y);
    else this.slide = this.animate({ y });
  }

  focusLabel(): string {
    const l = this.layer;
    return l.type === 'dense'
      ? `dense ${l.units}`
      : l.type === 'dropout'
        ? `dropout ${l.rate}`
        : l.type === 'activation'
          ? l.activation
          : l.type;
  }

  /** The block's place at rest (where a slide is taking it), so a click aimed there is right. */
  focusBounds(): Phaser.Geom.Rectangle {
    const r = worldRect(this, BLOCK_WIDTH, BLOCK_HEIGHT);
    return new Phaser.Geom.Rectangle(
      r.x + (this.o.x - this.x),
      r.y + (this.restY - this.y),
      r.width,
      r.height,
    );
  }
  canFocus(): boolean {
    return this.active && this.visible;
  }
  setFocused(focused: boolean): void {
    this.focused = focused;
    this.redraw();
  }
  tooltipText(): string {
    const cost = this.macs > 0 ? `${formatCount(this.macs)} multiply-adds per example (×+) · ` : '';
    return cost + this.keysTip();
  }

  /** What the block lets the player do, or why not. */
  private keysTip(): string {
    if (!this.o.editable) return "This layer is locked by the teacher's link";
    if (this.o.fixed) {
      return this.canCycle()
        ? 'This level keeps this layer; A switches its squash on or off'
        : 'This level keeps this layer as it is';
    }
    if (this.generic) {
      const fields = LAYERS[this.layer.type].fields;
      const bias = fields['bias'] ? ' · B bias' : '';
      const flip = this.switchField();
      const sw = flip ? ` · S ${fields[flip]!.label}` : '';
      const act = this.canCycle() ? ' · A activation' : '';
      const first = LAYERS[this.layer.type].primary ? ' · ←/→ first setting' : '';
      return `Click a setting to change it${first}${act}${bias}${sw} · Shift+↑/↓ move · Delete remove`;
    }
    return '←/→ size · A activation · Shift+↑/↓ move · Delete remove';
  }

  /** The block's switch, a yes/no field with a word for each side ("every step"), if any. */
  private switchField(): string | undefined {
    const fields = LAYERS[this.layer.type].fields;
    return Object.keys(fields).find((n) => {
      const f = fields[n]!;
      return f.kind === 'bool' && f.off !== undefined;
    });
  }

  /** Whether the ƒ button and the A key have more than one activation to offer. */
  private canCycle(): boolean {
    const own =
      this.layer.type === 'dense' ||
      (this.generic && 'activation' in LAYERS[this.layer.type].fields);
    return this.o.editable && own && this.cycle().length > 1;
  }

  /** The activations A steps through: none first, then those offered to this block. */
  private cycle(): (Activation | undefined)[] {
    return [undefined, ...this.o.activations.filter((a) => a !== 'identity')];
  }

  adjust(direction: Direction, large: boolean): boolean {
    if (!this.o.editable || this.o.fixed) return false;
    if (large && (direction === 'up' || direction === 'down')) {
      this.o.events.move(direction === 'up' ? -1 : 1);
      return true;
    }
    if (direction === 'left' || direction === 'right') {
      this.adjustSize(direction === 'left' ? -1 : 1);
      return true;
    }
    return false;
  }

  /** Keys the focus manager does not route: the Workbench forwards them to the focused block. */
  key(event: KeyboardEvent): boolean {
    if (!this.o.editable) return false;
    if ((event.key === 'Delete' || event.key === 'Backspace') && !this.o.fixed) {
      this.o.events.remove();
      return true;
    }
    if ((event.key === 'a' || event.key === 'A') && this.canCycle()) {
      this.cycleActivation();
      return true;
    }
    const flip = this.switchField();
    if ((event.key === 's' || event.key === 'S') && flip && this.generic && !this.o.fixed) {
      this.stepField(flip, 1, true);
      return true;
    }
    if ((event.key === 'b' || event.key === 'B') && this.generic && !this.o.fixed) {
      if (LAYERS[this.layer.type].fields['bias']?.kind !== 'bool') return false;
      this.stepField('bias', 1, true);
      return true;
    }
    return false;
  }

  override destroy(fromScene?: boolean): void {
    if (this.scene) FocusManager.peek(this.scene)?.remove(this);
    super.destroy(fromScene);
  }

  private adjustSize(delta: -1 | 1): void {
    if (resize(this.layer, delta, this.o.maxUnits)) this.changed();
  }

  private stepField(name: string, delta: -1 | 1, wrap: boolean): void {
    if (stepField(this.layer, name, delta, wrap, this.o.maxUnits)) this.changed();
  }

  private cycleActivation(): void {
    const next = nextActivation(this.layer, this.cycle());
    if (next === null) return;
    const l = this.layer as LayerSpec & { activation?: Activation };
    if (next === undefined) delete l.activation;
    else l.activation = next;
    this.changed();
  }

  /** After an edit: the title and chips anew, and the new layer to the workbench. */
  private changed(): void {
    this.refreshTitle();
    this.o.events.change(structuredClone(this.layer));
  }

  private refreshTitle(): void {
    this.title.setText(blockTitle(this.layer));
    if (this.generic) this.layoutChips();
  }

  /** The field chips after the title: each shows one field and steps it when clicked. */
  private layoutChips(): void {
    // A chip under the pointer goes with its tooltip (the new chip shows its own on hover).
    for (const c of this.chips) {
      Tooltip.for(this.scene).hide(c);
      c.destroy();
    }
    this.chips.length = 0;
    this.chipFields.clear();
    let x = 62 + this.title.width + 8;
    for (const { name, text, tip } of chipLabels(
      this.layer,
      this.canCycle() ? this.cycle() : null,
      this.o.maxUnits,
    )) {
      const chip = this.scene.add
        .text(x, 10, text, textStyle(CHIP_SIZE, CSS.textDim))
        .setPadding(3, 1, 3, 1);
      x += chip.width + 3;
      const cycles = name !== 'activation' || this.canCycle();
      if (this.o.editable && cycles && (!this.o.fixed || name === 'activation')) {
        this.clickable(chip, tip, () =>
          name === 'activation' ? this.cycleActivation() : this.stepField(name, 1, true),
        );
      }
      this.chips.push(chip);
      this.chipFields.set(chip, name);
      this.add(chip);
    }
  }

  private redraw(): void {
    const g = this.bg.clear();
    g.fillStyle(this.focused ? COLORS.panelRaised : COLORS.panel, 1);
    g.fillRoundedRect(0, 0, BLOCK_WIDTH, BLOCK_HEIGHT, RADIUS);
    // The focus manager draws the keyboard ring; the block only brightens, so a mouse click
    // does not leave a stray outline.
    g.lineStyle(1, this.focused ? COLORS.textDim : COLORS.line, 1);
    g.strokeRoundedRect(0, 0, BLOCK_WIDTH, BLOCK_HEIGHT, RADIUS);
    if (!this.o.editable || (this.o.fixed && !this.canCycle())) {
      // Locked by a teacher link or kept by the level: a lock icon (the tooltip says why), not
      // only a dimmer block.
      g.fillStyle(COLORS.locked, 0.25).fillRoundedRect(0, 0, BLOCK_WIDTH, BLOCK_HEIGHT, RADIUS);
      drawUiIcon(g, 'lock', BLOCK_WIDTH - 28, 19, 16, COLORS.textDim);
    } else if (this.o.fixed) {
      drawUiIcon(g, 'lock', BLOCK_WIDTH - 84, 19, 16, COLORS.textDim);
    }
  }

  private addButton(label: string, x: number, tip: string, onClick: () => void): void {
    const t = this.scene.add
      .text(x, 19, label, textStyle(TEXT.label, CSS.textDim, 600))
      .setOrigin(0.5)
      .setPadding(6, 2, 6, 2);
    this.clickable(t, tip, onClick);
    this.buttons.push(t);
    this.add(t);
  }

  /** A text that brightens under the pointer, shows `tip`, and runs `onClick` (not a drag). */
  private clickable(t: Phaser.GameObjects.Text, tip: string, onClick: () => void): void {
    t.setInteractive({ useHandCursor: true });
    t.on('pointerover', () => {
      t.setColor(CSS.text);
      Tooltip.for(this.scene).show(tip, t.getBounds(), t);
    });
    t.on('pointerout', () => {
      t.setColor(CSS.textDim);
      Tooltip.for(this.scene).hide(t);
    });
    t.on(
      'pointerdown',
      (_p: Phaser.Input.Pointer, _x: number, _y: number, e: Phaser.Types.Input.EventData) => {
        e.stopPropagation();
        onClick();
      },
    );
  }
}
