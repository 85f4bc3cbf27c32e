/**
 * One-line tooltips: what a control does, shown on hover (after a short delay) and on keyboard
 * focus (at once, by the focus manager). One tooltip per scene, `Tooltip.for(scene)`, drawn above
 * everything and kept inside the screen. Widgets of the kit attach theirs automatically; scenes
 * can attach one to any interactive game object with `attachTooltip`.
 */
import * as Phaser from 'phaser';
import { COLORS, CSS, RADIUS, TEXT, textStyle } from '../theme.js';

const TOOLTIPS = new WeakMap<Phaser.Scene, Tooltip>();

/** Hover delay: long enough not to flicker while the mouse crosses the screen. */
const HOVER_DELAY_MS = 350;

/** Controls above this line belong to a scene's top bar: their tooltips go under them. */
const TOP_BAR = 72;

export class Tooltip {
  /** The scene's tooltip, created on first use and destroyed with the scene. */
  static for(scene: Phaser.Scene): Tooltip {
    let tooltip = TOOLTIPS.get(scene);
    if (!tooltip) {
      tooltip = new Tooltip(scene);
      TOOLTIPS.set(scene, tooltip);
    }
    return tooltip;
  }

  private readonly container: Phaser.GameObjects.Container;
  private readonly panel: Phaser.GameObjects.Graphics;
  private readonly label: Phaser.GameObjects.Text;
  private owner: unknown = null;
  private timer: Phaser.Time.TimerEvent | null = null;

  private constructor(private readonly scene: Phaser.Scene) {
    this.panel = scene.add.graphics();
    this.label = scene.add.text(10, 6, '', { ...textStyle(TEXT.small, CSS.text), resolution: 2 });
    this.container = scene.add.container(0, 0, [this.panel, this.label]);
    this.container.setDepth(10_001).setVisible(false);
    scene.events.once('shutdown', () => this.destroy());
    scene.events.once('destroy', () => this.destroy());
  }

  /**
   * Shows `text` next to `target` (world coordinates). Beside it, on the side with more room,
   * so it never lies over the label of the control below or above (a column of sliders, a stack
   * of layers); under it for a control in the top bar, whose neighbours sit to its sides; and
   * under or over it when neither side has room. `owner` identifies who asked, so only they can
   * hide it again.
   */
  show(text: string, target: Phaser.Geom.Rectangle, owner: unknown = null): void {
    this.cancel();
    this.owner = owner;
    this.label.setText(text);
    const w = this.label.width + 20;
    const h = this.label.height + 12;
    this.panel.clear();
    this.panel.fillStyle(COLORS.panelRaised, 0.97);
    this.panel.fillRoundedRect(0, 0, w, h, RADIUS / 2);
    this.panel.lineStyle(1, COLORS.line, 1);
    this.panel.strokeRoundedRect(0, 0, w, h, RADIUS / 2);
    const { width, height } = this.scene.scale;
    let x = target.centerX - w / 2;
    let y = target.bottom + 10;
    if (y + h > height - 4) y = target.y - h - 10;
    const left = target.x - w - 10;
    const right = target.right + 10;
    if (target.y >= TOP_BAR) {
      if (target.centerX > width / 2 && left >= 4) [x, y] = [left, target.centerY - h / 2];
      else if (right + w <= width - 4) [x, y] = [right, target.centerY - h / 2];
      else if (left >= 4) [x, y] = [left, target.centerY - h / 2];
    }
    x = Phaser.Math.Clamp(x, 4, width - w - 4);
    y = Phaser.Math.Clamp(y, 4, height - h - 4);
    this.container.setPosition(Math.round(x), Math.round(y)).setVisible(true);
  }

  /** Shows the tooltip after the hover delay (pointer hover). */
  showSoon(text: string, target: Phaser.Geom.Rectangle, owner: unknown = null): void {
    this.cancel();
    this.owner = owner;
    this.timer = this.scene.time.delayedCall(HOVER_DELAY_MS, () => this.show(text, target, owner));
  }

  /** Hides it if `owner` showed it (or always, without an owner). */
  hide(owner?: unknown): void {
    if (owner !== undefined && owner !== this.owner) return;
    this.cancel();
    this.owner = null;
    this.container.setVisible(false);
  }

  destroy(): void {
    if (TOOLTIPS.get(this.scene) !== this) return;
    TOOLTIPS.delete(this.scene);
    this.cancel();
    this.container.destroy();
  }

  private cancel(): void {
    this.timer?.remove(false);
    this.timer = null;
  }
}

/**
 * Shows `text` (a string, or a function for text that changes) when the pointer rests on an
 * interactive `target`. `bounds` gives the target's world rectangle (defaults to getBounds).
 */
export function attachTooltip(
  target: Phaser.GameObjects.GameObject,
  text: string | (() => string | null),
  bounds?: () => Phaser.Geom.Rectangle,
): void {
  const scene = target.scene;
  const read = (): string | null => (typeof text === 'string' ? text : text());
  const rect = (): Phaser.Geom.Rectangle =>
    bounds ? bounds() : (target as unknown as { getBounds(): Phaser.Geom.Rectangle }).getBounds();
  target.on('pointerover', () => {
    const value = read();
    if (value) Tooltip.for(scene).showSoon(value, rect(), target);
  });
  target.on('pointerout', () => Tooltip.for(scene).hide(target));
  target.on('pointerdown', () => Tooltip.for(scene).hide(target));
  target.once('destroy', () => {
    if (TOOLTIPS.has(scene)) Tooltip.for(scene).hide(target);
  });
}
