/**
 * The base of every widget in the kit: a Phaser Container whose local box is
 * (0, 0, width, height) — widgets are placed by their top-left corner — with an invisible hit
 * zone, a tooltip, and registration with the scene's FocusManager. Subclasses draw themselves in
 * `redraw()` from their state (hovered, focused, pressed, enabled), so the look of every state
 * lives in one place per widget.
 */
import * as Phaser from 'phaser';
import { FocusManager, isShown, worldRect, type Direction, type Focusable } from './focus.js';
import { Tooltip } from './tooltip.js';

export abstract class Widget extends Phaser.GameObjects.Container implements Focusable {
  protected readonly hit: Phaser.GameObjects.Zone;
  protected hovered = false;
  protected focused = false;
  protected enabled = true;
  private tip: string;

  protected constructor(
    scene: Phaser.Scene,
    x: number,
    y: number,
    width: number,
    height: number,
    tooltip: string,
  ) {
    super(scene, x, y);
    this.tip = tooltip;
    this.setSize(width, height);
    this.hit = scene.add.zone(0, 0, width, height).setOrigin(0, 0);
    this.hit.setInteractive({ useHandCursor: true });
    this.add(this.hit);
    scene.add.existing(this);
    this.hit.on('pointerover', () => {
      this.hovered = true;
      this.redraw();
      const text = this.tooltipText();
      if (text) Tooltip.for(scene).showSoon(text, this.focusBounds(), this);
    });
    this.hit.on('pointerout', () => {
      this.hovered = false;
      this.redraw();
      Tooltip.for(scene).hide(this);
    });
    this.hit.on('pointerdown', () => {
      Tooltip.for(scene).hide(this);
      // A click moves keyboard focus here too, without showing the ring.
      if (this.canFocus()) FocusManager.for(scene).focus(this, false);
    });
    FocusManager.for(scene).add(this);
  }

  /** Resizes the widget's box and hit zone. */
  protected resize(width: number, height: number): void {
    this.setSize(width, height);
    this.hit.setSize(width, height);
    this.hit.input?.hitArea.setTo(0, 0, width, height);
  }

  /** Draws the widget from its current state. */
  protected abstract redraw(): void;

  /** The one-line tooltip (what the control does). */
  setTooltip(text: string): this {
    this.tip = text;
    return this;
  }

  focusBounds(): Phaser.Geom.Rectangle {
    return worldRect(this, this.width, this.height);
  }

  canFocus(): boolean {
    return isShown(this);
  }

  setFocused(focused: boolean): void {
    this.focused = focused;
    this.redraw();
  }

  tooltipText(): string | null {
    return this.tip || null;
  }

  activate(): void {}

  adjust(_direction: Direction, _large: boolean): boolean {
    return false;
  }

  override destroy(fromScene?: boolean): void {
    if (this.scene) {
      FocusManager.peek(this.scene)?.remove(this);
    }
    super.destroy(fromScene);
  }
}
