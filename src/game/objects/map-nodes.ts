/**
 * The stops of the journey map: a level node (a focusable circle with its year above and its
 * stars below) and the epilogue's stop after the last chapter. Both share `MapStop`: hover and focus
 * light a ring and tell the map to show the stop in its info panel; a click or Enter opens it.
 */
import * as Phaser from 'phaser';
import type { Level } from '../../levels/types.js';
import type { ComingStop } from '../scenes/level-text.js';
import { COLORS, CSS, MOTION, TEXT, reducedMotion } from '../theme.js';
import { FocusManager, isShown, worldRect, type Focusable } from '../ui/focus.js';
import { drawIcon } from '../ui/icons.js';
import { addText } from '../ui/text.js';
import { attachTooltip } from '../ui/tooltip.js';

export const NODE_R = 26;
/** Radius of the epilogue's stop: smaller than a level node, as it is not a level. */
export const EPILOGUE_R = 18;

/** What the map shows about one level. */
export interface NodeState {
  level: Level;
  unlocked: boolean;
  stars: number;
  x: number;
  y: number;
}

/** A round, focusable stop with a hit zone: what both kinds of stop have in common. */
abstract class MapStop extends Phaser.GameObjects.Container implements Focusable {
  protected readonly ring: Phaser.GameObjects.Graphics;
  protected focused = false;
  protected hovered = false;
  readonly focusRound = true;

  constructor(
    scene: Phaser.Scene,
    x: number,
    y: number,
    private readonly radius: number,
    private readonly onSelect: (stop: MapStop) => void,
    private readonly onOpen: (stop: MapStop) => void,
  ) {
    super(scene, x, y);
    this.ring = scene.add.graphics();
  }

  /** Wires the hit zone: hover selects, a click focuses and opens, the tooltip follows. */
  protected listen(hit: Phaser.GameObjects.Zone): void {
    hit.on('pointerover', () => {
      this.hovered = true;
      this.redraw();
      this.onSelect(this);
    });
    hit.on('pointerout', () => {
      this.hovered = false;
      this.redraw();
    });
    hit.on('pointerup', () => {
      FocusManager.for(this.scene).focus(this, false);
      this.onOpen(this);
    });
    attachTooltip(
      hit,
      () => this.tooltipText(),
      () => this.focusBounds(),
    );
    FocusManager.for(this.scene).add(this);
  }

  abstract focusLabel(): string;
  abstract tooltipText(): string;
  protected abstract redraw(): void;

  focusBounds(): Phaser.Geom.Rectangle {
    const r = worldRect(this, 0, 0);
    const d = this.radius;
    return new Phaser.Geom.Rectangle(r.x - d, r.y - d, d * 2, d * 2);
  }

  canFocus(): boolean {
    return isShown(this);
  }

  setFocused(focused: boolean): void {
    this.focused = focused;
    this.redraw();
    if (focused) this.onSelect(this);
  }

  activate(): void {
    this.onOpen(this);
  }
}

/** A level node: a focusable circle with its year above and its stars below. */
export class LevelNode extends MapStop {
  constructor(
    scene: Phaser.Scene,
    readonly spot: NodeState,
    private readonly isNext: boolean,
    onSelect: (node: LevelNode) => void,
    onOpen: (node: LevelNode) => void,
  ) {
    super(
      scene,
      spot.x,
      spot.y,
      NODE_R,
      onSelect as (s: MapStop) => void,
      onOpen as (s: MapStop) => void,
    );
    const { level, unlocked, stars } = spot;
    const body = scene.add.graphics();
    body.fillStyle(unlocked ? COLORS.panelRaised : COLORS.panel, 1);
    body.fillCircle(0, 0, NODE_R);
    body.lineStyle(3, unlocked ? (stars > 0 ? COLORS.loss : COLORS.text) : COLORS.locked, 1);
    body.strokeCircle(0, 0, NODE_R);
    if (!unlocked) drawIcon(body, 'lock', 0, 0, 22, COLORS.locked);
    const parts: Phaser.GameObjects.GameObject[] = [this.ring, body];
    if (unlocked) {
      parts.push(
        addText(scene, 0, 0, `${level.chapter + 1}.${level.order}`, {
          size: TEXT.label,
          weight: 600,
        }).setOrigin(0.5),
      );
    }
    parts.push(
      addText(scene, 0, -NODE_R - 8, String(level.year), {
        size: TEXT.small,
        color: unlocked ? CSS.text : CSS.textDim,
        weight: 600,
      }).setOrigin(0.5, 1),
    );
    // Stars are drawn (filled or hollow) so they read without colour.
    const stars3 = scene.add.graphics();
    for (let i = 0; i < 3; i++) {
      const filled = i < stars;
      drawIcon(
        stars3,
        filled ? 'star' : 'star-empty',
        (i - 1) * 20,
        NODE_R + 16,
        17,
        filled ? COLORS.loss : unlocked ? COLORS.textDim : COLORS.locked,
      );
    }
    parts.push(stars3);
    this.add(parts);
    scene.add.existing(this);

    const hit = scene.add.zone(0, 0, NODE_R * 2 + 16, NODE_R * 2 + 16);
    hit.setInteractive({ useHandCursor: unlocked });
    this.add(hit);
    this.listen(hit);

    if (isNext && !reducedMotion()) {
      // The next level to play breathes: the one decorative motion on the map.
      scene.tweens.add({
        targets: this.ring,
        alpha: { from: 1, to: 0.25 },
        duration: 900,
        ease: 'Sine.easeInOut',
        yoyo: true,
        repeat: -1,
      });
    }
    this.redraw();
  }

  focusLabel(): string {
    return this.spot.level.id;
  }

  tooltipText(): string {
    const { level, unlocked } = this.spot;
    return unlocked
      ? `Open the briefing of "${level.title}" (${level.year})`
      : `"${level.title}" is locked: earn a star on the level before it`;
  }

  protected redraw(): void {
    const g = this.ring;
    g.clear();
    const lit = this.focused || this.hovered;
    if (this.isNext || lit) {
      g.lineStyle(lit ? 4 : 3, this.spot.unlocked ? COLORS.data : COLORS.locked, 1);
      g.strokeCircle(0, 0, NODE_R + 7);
    }
    if (!reducedMotion()) {
      this.scene.tweens.add({
        targets: this,
        scale: lit ? 1.08 : 1,
        duration: MOTION.fast,
        ease: MOTION.ease,
      });
    }
  }
}

/**
 * The epilogue: a stop with its year and title that opens the Scaling scene. Until it opens (see
 * `epilogueOpen`) its rim is dashed and it says what opens it; then the rim is solid.
 */
export class EpilogueNode extends MapStop {
  constructor(
    scene: Phaser.Scene,
    readonly stop: ComingStop,
    readonly open: boolean,
    /** Every rung of the ladder trained: a filled star, as a won level has. */
    readonly done: boolean,
    x: number,
    y: number,
    onSelect: (node: EpilogueNode) => void,
    onOpen: (node: EpilogueNode) => void,
  ) {
    super(
      scene,
      x,
      y,
      EPILOGUE_R,
      onSelect as (s: MapStop) => void,
      onOpen as (s: MapStop) => void,
    );
    const body = scene.add.graphics();
    const color = open ? COLORS.loss : COLORS.textDim;
    body.fillStyle(COLORS.background, 1);
    body.fillCircle(0, 0, EPILOGUE_R);
    body.lineStyle(3, color, 1);
    if (open) {
      body.strokeCircle(0, 0, EPILOGUE_R);
      drawIcon(body, done ? 'star' : 'star-empty', 0, 0, 14, COLORS.loss);
    } else {
      // A dashed rim: the road is there, not yet open.
      const dashes = 10;
      for (let i = 0; i < dashes; i++) {
        const a = (i / dashes) * Math.PI * 2;
        body.beginPath();
        body.arc(0, 0, EPILOGUE_R, a, a + (Math.PI / dashes) * 1.1);
        body.strokePath();
      }
      drawIcon(body, 'lock', 0, 0, 14, COLORS.textDim);
    }
    const textColor = open ? CSS.text : CSS.textDim;
    const years = addText(scene, EPILOGUE_R + 10, -19, stop.years, {
      size: TEXT.small,
      weight: 600,
      color: textColor,
    });
    const title = addText(scene, EPILOGUE_R + 10, 1, stop.title, {
      size: TEXT.small,
      color: textColor,
    });
    const width = EPILOGUE_R * 2 + 10 + Math.max(years.width, title.width) + 8;
    const hit = scene.add.zone(width / 2 - EPILOGUE_R, 0, width, EPILOGUE_R * 2 + 20);
    hit.setInteractive();
    this.add([this.ring, body, years, title, hit]);
    scene.add.existing(this);
    this.listen(hit);
  }

  focusLabel(): string {
    return `epilogue: ${this.stop.title}`;
  }

  tooltipText(): string {
    return this.done
      ? `Epilogue: "${this.stop.title}" (${this.stop.years}): the whole ladder trained`
      : this.open
        ? `Epilogue: "${this.stop.title}" (${this.stop.years}): train one model in five sizes`
        : `Epilogue: "${this.stop.title}" opens with a star in the last chapter`;
  }

  protected redraw(): void {
    this.ring.clear();
    if (this.focused || this.hovered) {
      this.ring.lineStyle(3, this.open ? COLORS.focus : COLORS.textDim, 1);
      this.ring.strokeCircle(0, 0, EPILOGUE_R + 6);
    }
  }
}
