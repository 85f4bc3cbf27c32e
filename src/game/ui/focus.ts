/**
 * A per-scene keyboard focus manager. Every widget of the kit registers itself here when it is
 * created (scenes may register their own focusables too, e.g. the map's level nodes), so the
 * whole game is playable from the keyboard:
 *
 * - Tab / Shift+Tab cycle through the focusables in registration order (= reading order);
 * - Enter / Space activate the focused one;
 * - arrows first go to the focused widget (`adjust`: sliders move, choices change); if it does
 *   not use them, to the scene's `onArrow` hook; otherwise Left/Up and Right/Down move focus;
 * - a ring in COLORS.focus is drawn around the focused item, but only after the player used the
 *   keyboard (like the browser's :focus-visible), so mouse players do not see stray rings;
 * - the focused item's tooltip is shown, as it is on hover.
 *
 * One manager per scene, created on demand with `FocusManager.for(scene)` and destroyed with the
 * scene (on shutdown), so a restarted scene starts with a clean list.
 */
import * as Phaser from 'phaser';
import { COLORS, RADIUS } from '../theme.js';
import { onKeyDown } from './keys.js';
import { Tooltip } from './tooltip.js';

/** An arrow key, as given to `Focusable.adjust` and `FocusManager.onArrow`. */
export type Direction = 'left' | 'right' | 'up' | 'down';

/** What the focus manager needs from anything it can focus. */
export interface Focusable {
  /** The item's rectangle in world (camera) coordinates, for the ring and the tooltip. */
  focusBounds(): Phaser.Geom.Rectangle;
  /** False while hidden or disabled: Tab skips it. */
  canFocus(): boolean;
  /** Called when the item gains or loses focus (e.g. to brighten it). */
  setFocused?(focused: boolean): void;
  /** Enter / Space. */
  activate?(): void;
  /** Arrow keys; `large` when Shift is held. Return true when the arrow was used. */
  adjust?(direction: Direction, large: boolean): boolean;
  /** One line saying what the item does, or null. */
  tooltipText?(): string | null;
  /** A short name of the item (a button's label, a level id), for the browser tests' hook. */
  focusLabel?(): string;
  /** True for round items (map nodes, handles): the ring is then a circle around the bounds. */
  readonly focusRound?: boolean;
  /** True while the item slides to its place; `focusBounds` then already gives the place. */
  isMoving?(): boolean;
}

const MANAGERS = new WeakMap<Phaser.Scene, FocusManager>();

/** The world rectangle of a game object whose local box is (0, 0, width, height). */
export function worldRect(
  object: Phaser.GameObjects.Components.Transform,
  width: number,
  height: number,
): Phaser.Geom.Rectangle {
  const m = object.getWorldTransformMatrix();
  return new Phaser.Geom.Rectangle(m.tx, m.ty, width * m.scaleX, height * m.scaleY);
}

/** True when the object and every container holding it are visible and active. */
export function isShown(object: Phaser.GameObjects.GameObject): boolean {
  let node: Phaser.GameObjects.GameObject | null = object;
  while (node) {
    const visible = (node as unknown as { visible?: boolean }).visible;
    if (!node.active || visible === false || !node.scene) return false;
    node = node.parentContainer;
  }
  return true;
}

/** A focusable control as the browser tests see it: label, world rectangle, focus. */
export interface ControlInfo {
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
  focused: boolean;
  /** Still sliding to the rectangle given (a click on it is ignored until it rests there). */
  moving: boolean;
}

export class FocusManager {
  /** The scene's manager, created on first use and destroyed when the scene shuts down. */
  static for(scene: Phaser.Scene): FocusManager {
    let manager = MANAGERS.get(scene);
    if (!manager) {
      manager = new FocusManager(scene);
      MANAGERS.set(scene, manager);
    }
    return manager;
  }

  /** The scene's manager if one exists (never creates one: safe during shutdown). */
  static peek(scene: Phaser.Scene): FocusManager | undefined {
    return MANAGERS.get(scene);
  }

  /**
   * Arrows the focused item did not use. Return true to consume them; otherwise Left/Up move
   * focus back and Right/Down forward. The journey map uses this to move between nodes.
   */
  onArrow: ((direction: Direction, current: Focusable | null) => boolean) | null = null;

  private readonly items: Focusable[] = [];
  private currentItem: Focusable | null = null;
  private keyboardMode = false;
  private readonly ring: Phaser.GameObjects.Graphics;
  private offKeys: () => void = () => undefined;
  private readonly onPointer = (): void => this.setKeyboardMode(false);
  private readonly onPostUpdate = (): void => this.drawRing();

  private constructor(private readonly scene: Phaser.Scene) {
    this.ring = scene.add.graphics().setDepth(10_000);
    const keyboard = scene.input.keyboard;
    if (keyboard) {
      // Keep Tab, Space and the arrows inside the game instead of scrolling or leaving the page.
      keyboard.addCapture('TAB,SPACE,UP,DOWN,LEFT,RIGHT,ENTER');
      this.offKeys = onKeyDown(scene, (event) => this.handleKey(event));
    }
    scene.input.on('pointerdown', this.onPointer);
    scene.events.on('postupdate', this.onPostUpdate);
    scene.events.once('shutdown', () => this.destroy());
    scene.events.once('destroy', () => this.destroy());
  }

  /** The focused item, if any. */
  get current(): Focusable | null {
    return this.currentItem;
  }

  /**
   * The focusable items in focus order with their labels and world rectangles: what the browser
   * tests read to click a control the way a player would.
   */
  describe(): ControlInfo[] {
    return this.items
      .filter((item) => item.canFocus())
      .map((item) => {
        const r = item.focusBounds();
        return {
          label: item.focusLabel?.() ?? '',
          x: r.x,
          y: r.y,
          width: r.width,
          height: r.height,
          focused: item === this.currentItem,
          moving: item.isMoving?.() ?? false,
        };
      });
  }

  /** Adds an item at the end of the Tab order (or at `index`). */
  add(item: Focusable, index?: number): void {
    if (this.items.includes(item)) return;
    if (index === undefined) this.items.push(item);
    else this.items.splice(index, 0, item);
  }

  /** Removes an item (widgets call this from `destroy`). */
  remove(item: Focusable): void {
    const i = this.items.indexOf(item);
    if (i >= 0) this.items.splice(i, 1);
    if (this.currentItem === item) this.focus(null);
  }

  /**
   * Focuses `item` (or nothing). `visible` shows the ring and tooltip, as after a key press;
   * scenes pass true to put the first control under the keyboard when they open.
   */
  focus(item: Focusable | null, visible = this.keyboardMode): void {
    if (this.currentItem !== item) {
      this.currentItem?.setFocused?.(false);
      this.currentItem = item;
      item?.setFocused?.(true);
    }
    if (visible) this.setKeyboardMode(true);
    this.showTooltip();
    this.drawRing();
  }

  /** Moves focus by `step` through the focusable items, wrapping around. */
  move(step: 1 | -1): void {
    const live = this.items.filter((item) => item.canFocus());
    if (live.length === 0) return this.focus(null);
    const at = this.currentItem ? live.indexOf(this.currentItem) : -1;
    const next =
      at < 0 ? (step > 0 ? 0 : live.length - 1) : (at + step + live.length) % live.length;
    this.focus(live[next]!, true);
  }

  /** Stops listening and removes the ring; called automatically on scene shutdown. */
  destroy(): void {
    if (MANAGERS.get(this.scene) !== this) return;
    MANAGERS.delete(this.scene);
    this.offKeys();
    this.scene.input?.off('pointerdown', this.onPointer);
    this.scene.events.off('postupdate', this.onPostUpdate);
    this.items.length = 0;
    this.currentItem = null;
    this.ring.destroy();
  }

  private setKeyboardMode(on: boolean): void {
    if (this.keyboardMode === on) return;
    this.keyboardMode = on;
    if (!on) Tooltip.for(this.scene).hide(this);
    this.drawRing();
  }

  private showTooltip(): void {
    const item = this.currentItem;
    const text = item?.tooltipText?.() ?? null;
    const tooltip = Tooltip.for(this.scene);
    if (this.keyboardMode && item && text) tooltip.show(text, item.focusBounds(), this);
    else tooltip.hide(this);
  }

  private handleKey(event: KeyboardEvent): void {
    const current = this.currentItem && this.currentItem.canFocus() ? this.currentItem : null;
    switch (event.key) {
      case 'Tab':
        event.preventDefault();
        this.move(event.shiftKey ? -1 : 1);
        return;
      case 'Enter':
      case ' ':
        if (current?.activate) {
          event.preventDefault();
          this.setKeyboardMode(true);
          current.activate();
        }
        return;
      case 'ArrowLeft':
      case 'ArrowRight':
      case 'ArrowUp':
      case 'ArrowDown': {
        event.preventDefault();
        const direction = event.key.slice(5).toLowerCase() as Direction;
        this.setKeyboardMode(true);
        if (current?.adjust?.(direction, event.shiftKey)) {
          this.showTooltip();
          return;
        }
        if (this.onArrow?.(direction, current)) return;
        this.move(direction === 'left' || direction === 'up' ? -1 : 1);
        return;
      }
    }
  }

  private drawRing(): void {
    const g = this.ring;
    g.clear();
    const item = this.currentItem;
    if (!this.keyboardMode || !item || !item.canFocus()) return;
    const r = item.focusBounds();
    g.lineStyle(2, COLORS.focus, 1);
    if (item.focusRound) {
      g.strokeCircle(r.centerX, r.centerY, Math.max(r.width, r.height) / 2 + 6);
    } else {
      g.strokeRoundedRect(r.x - 4, r.y - 4, r.width + 8, r.height + 8, RADIUS + 2);
    }
  }
}
