/**
 * A button of the kit: a rounded panel with a label and/or a drawn icon. Click, Enter or Space
 * runs `onClick`; a disabled button is dimmed, says so in its tooltip, and ignores both.
 *
 * ```ts
 * new Button(this, { x: 40, y: 640, label: 'Map', icon: 'map', tooltip: 'Back to the journey map',
 *   onClick: () => this.scene.start(SCENES.map) });
 * ```
 */
import * as Phaser from 'phaser';
import { COLORS, CSS, MOTION, RADIUS, TEXT, reducedMotion, textStyle } from '../theme.js';
import { drawIcon, type IconName } from './icons.js';
import { Widget } from './widget.js';

/** primary: the one main action of a screen; secondary: the others; ghost: quiet, no panel. */
export type ButtonVariant = 'primary' | 'secondary' | 'ghost';

export interface ButtonOptions {
  /** Top-left corner. */
  x: number;
  y: number;
  /** Text on the button; '' for an icon-only (square) button. */
  label: string;
  icon?: IconName;
  /** One line: what the button does. Required: every control has a tooltip. */
  tooltip: string;
  onClick: () => void;
  disabled?: boolean;
  /** Defaults: fits the label (at least 44 wide); height 44. */
  width?: number;
  height?: number;
  variant?: ButtonVariant;
  fontSize?: number;
  /** What the button is called when its label is empty or ambiguous (tests, assistive text). */
  name?: string;
}

export class Button extends Widget {
  private readonly panel: Phaser.GameObjects.Graphics;
  private readonly iconLayer: Phaser.GameObjects.Graphics;
  private readonly text: Phaser.GameObjects.Text;
  private readonly variant: ButtonVariant;
  private icon: IconName | undefined;
  private pressed = false;
  private onClick: () => void;
  private readonly testName: string | undefined;

  constructor(scene: Phaser.Scene, options: ButtonOptions) {
    const height = options.height ?? 44;
    super(scene, options.x, options.y, options.width ?? height, height, options.tooltip);
    this.testName = options.name;
    this.variant = options.variant ?? 'secondary';
    this.icon = options.icon;
    this.onClick = options.onClick;
    this.panel = scene.add.graphics();
    this.iconLayer = scene.add.graphics();
    this.text = scene.add
      .text(0, height / 2, options.label, {
        ...textStyle(options.fontSize ?? TEXT.label, CSS.text, 600),
        resolution: 2,
      })
      .setOrigin(0, 0.5);
    this.addAt([this.panel, this.iconLayer, this.text], 0);
    this.enabled = !options.disabled;
    this.layout(options.width);
    this.hit.on('pointerdown', () => {
      if (!this.enabled) return;
      this.pressed = true;
      this.redraw();
    });
    this.hit.on('pointerup', () => {
      const wasPressed = this.pressed;
      this.pressed = false;
      this.redraw();
      if (wasPressed && this.enabled) this.onClick();
    });
    this.hit.on('pointerout', () => {
      this.pressed = false;
    });
  }

  /**
   * Lets the player also drag the button out, as a ghost of itself, and drop it somewhere: the
   * workbench palette's "drag a block onto the stack". `onDrop` gets the drop point in world
   * coordinates. A press released on the button stays a click; a drag never clicks.
   */
  enableDragOut(onDrop: (x: number, y: number) => void): this {
    this.scene.input.setDraggable(this.hit);
    let ghost: Phaser.GameObjects.Graphics | null = null;
    this.hit.on('dragstart', () => {
      this.pressed = false;
      ghost = this.scene.add.graphics().setDepth(100).setAlpha(0.85);
      ghost.fillStyle(COLORS.panelRaised, 1).fillRoundedRect(0, 0, this.width, this.height, RADIUS);
      ghost.lineStyle(2, COLORS.focus, 1).strokeRoundedRect(0, 0, this.width, this.height, RADIUS);
    });
    this.hit.on('drag', (pointer: Phaser.Input.Pointer) => {
      ghost?.setPosition(pointer.worldX - this.width / 2, pointer.worldY - this.height / 2);
    });
    this.hit.on('dragend', (pointer: Phaser.Input.Pointer) => {
      ghost?.destroy();
      ghost = null;
      if (this.enabled) onDrop(pointer.worldX, pointer.worldY);
    });
    return this;
  }

  /** Changes the label (the width grows to fit unless a width was given). */
  setLabel(label: string): this {
    this.text.setText(label);
    this.layout(this.fixedWidth);
    return this;
  }

  setIcon(icon: IconName | undefined): this {
    this.icon = icon;
    this.layout(this.fixedWidth);
    return this;
  }

  setOnClick(onClick: () => void): this {
    this.onClick = onClick;
    return this;
  }

  /** A disabled button stays visible and focusable (its tooltip says why) but does nothing. */
  setDisabled(disabled: boolean): this {
    this.enabled = !disabled;
    this.hit.input!.cursor = disabled ? 'default' : 'pointer';
    this.redraw();
    return this;
  }

  get disabled(): boolean {
    return !this.enabled;
  }

  override activate(): void {
    if (!this.enabled) return;
    // A short press flash so keyboard players see what happened.
    this.pressed = true;
    this.redraw();
    this.scene.time.delayedCall(MOTION.fast, () => {
      this.pressed = false;
      if (this.scene) this.redraw();
    });
    this.onClick();
  }

  focusLabel(): string {
    return this.testName ?? this.text.text;
  }

  override tooltipText(): string | null {
    const tip = super.tooltipText();
    return this.enabled || !tip ? tip : `${tip} (not available now)`;
  }

  private fixedWidth: number | undefined;

  private layout(width: number | undefined): void {
    this.fixedWidth = width;
    const h = this.height;
    const iconSize = Math.round(h * 0.42);
    const hasLabel = this.text.text.length > 0;
    const pad = hasLabel ? 18 : 0;
    const gap = this.icon && hasLabel ? 10 : 0;
    const content = (this.icon ? iconSize : 0) + gap + (hasLabel ? this.text.width : 0);
    const w = width ?? Math.max(h, Math.ceil(content + pad * 2));
    this.resize(w, h);
    const left = Math.round((w - content) / 2);
    this.text.setX(left + (this.icon ? iconSize + gap : 0));
    this.iconX = left + iconSize / 2;
    this.iconSize = iconSize;
    this.redraw();
  }

  private iconX = 0;
  private iconSize = 0;

  protected redraw(): void {
    const g = this.panel;
    const w = this.width;
    const h = this.height;
    const primary = this.variant === 'primary';
    const ghost = this.variant === 'ghost';
    const fg = !this.enabled ? COLORS.locked : primary ? COLORS.background : COLORS.text;
    g.clear();
    if (!ghost || this.hovered || this.pressed) {
      let fill: number = primary ? COLORS.text : COLORS.panelRaised;
      if (!this.enabled) fill = primary ? COLORS.line : COLORS.panel;
      else if (this.pressed) fill = primary ? 0xc8c8cc : COLORS.line;
      else if (this.hovered) fill = primary ? 0xffffff : 0x30364a;
      g.fillStyle(fill, ghost ? 0.6 : 1);
      g.fillRoundedRect(0, 0, w, h, RADIUS);
      if (!primary && !ghost) {
        g.lineStyle(1, this.hovered && this.enabled ? COLORS.textDim : COLORS.line, 1);
        g.strokeRoundedRect(0.5, 0.5, w - 1, h - 1, RADIUS);
      }
    }
    this.text.setColor(`#${fg.toString(16).padStart(6, '0')}`);
    this.iconLayer.clear();
    if (this.icon) drawIcon(this.iconLayer, this.icon, this.iconX, h / 2, this.iconSize, fg);
    const lift = this.hovered && this.enabled && !this.pressed && !reducedMotion() ? -1 : 0;
    this.panel.setY(lift);
    this.iconLayer.setY(lift);
    this.text.setY(h / 2 + lift);
  }
}
